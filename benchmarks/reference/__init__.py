"""The benchmark's reference: a plain Django view serving the API's first page of books.

Copied by benchmarks/served.py into its own bake as the package
`benchmark_reference` and loaded through DJANGO_SETTINGS_MODULE; it is never
part of a baked project.
"""
