-- wrk script: mixed reads and authenticated creates against a baked books API.
--
-- Environment: WRK_TOKEN (an API token), WRK_BOOK_IDS (ids to read, comma-separated),
-- WRK_PREFIX (two digits that start every new ISBN, so runs never collide).
-- Of every ten requests: six list a page, three read one book, one adds a book
-- with an ISBN no other request uses (a counter per thread). done() prints one
-- JSON line with the totals, the statuses counted, the latency percentiles and
-- the ISBN of every book a 201 answer confirmed.

local token = os.getenv("WRK_TOKEN")
local prefix = os.getenv("WRK_PREFIX") or "97"
local ids = {}
for id in string.gmatch(os.getenv("WRK_BOOK_IDS") or "1", "%d+") do
  ids[#ids + 1] = id
end

local threads = {}
local next_thread = 0

function setup(thread)
  thread:set("thread_number", next_thread)
  next_thread = next_thread + 1
  threads[#threads + 1] = thread
end

function init(args)
  statuses = {}
  created = {}
  sent = 0
end

function request()
  sent = sent + 1
  local turn = sent % 10
  if turn == 0 then
    -- 13 digits: the prefix, three for the thread, eight for this thread's counter.
    local isbn = string.format("%s%03d%08d", prefix, thread_number, sent)
    local body = string.format('{"title": "Load %s", "author": "wrk", "isbn": "%s"}', isbn, isbn)
    local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Token " .. token}
    return wrk.format("POST", "/api/books/", headers, body)
  elseif turn <= 3 then
    return wrk.format("GET", "/api/books/" .. ids[(sent % #ids) + 1] .. "/")
  end
  return wrk.format("GET", "/api/books/?page=1")
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 then
    created[#created + 1] = string.match(body, '"isbn":"(%d+)"') or "?"
  end
end

function done(summary, latency, requests)
  local totals = {}
  local isbns = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
    for _, isbn in ipairs(thread:get("created")) do
      isbns[#isbns + 1] = '"' .. isbn .. '"'
    end
  end
  local parts = {}
  for status, count in pairs(totals) do
    parts[#parts + 1] = string.format('"%d": %d', status, count)
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "statuses": {%s}, "errors": {"connect": %d, "read": %d, "write": %d, '
      .. '"status": %d, "timeout": %d}, "latency_us": {"p50": %d, "p99": %d, "max": %d}, "created": [%s]}\n',
    summary.requests, summary.duration, table.concat(parts, ", "), errors.connect, errors.read, errors.write,
    errors.status, errors.timeout, latency:percentile(50), latency:percentile(99), latency.max,
    table.concat(isbns, ", ")
  ))
end
