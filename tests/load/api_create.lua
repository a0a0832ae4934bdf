-- wrk script: POST /api/articles, each request a new article with a unique title.
-- The token comes from the environment (TOKEN); the body is a short Markdown article
-- (a heading, two paragraphs, a list, a link, inline code: ~90 words) with two tags.
local token = os.getenv("TOKEN") or ""
local run = os.getenv("RUN") or tostring(os.time())
local counter = 0

local body = "## A note on habits\\n\\n"
  .. "Every small habit builds a larger practice of attention. We walked along the old stone "
  .. "bridge while talking about books, code and bread slowly rising in the kitchen.\\n\\n"
  .. "- write by hand\\n- read *slowly*\\n- keep `notes` short\\n\\n"
  .. "Sentences carry weight when they are short; see [the archive](https://example.org/archive) "
  .. "for more letters from the mountain, the river and the quiet morning light.\\n"

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token " .. token

request = function()
  counter = counter + 1
  local json = '{"article":{"title":"Load ' .. run .. ' ' .. counter
    .. '","description":"A generated article","body":"' .. body
    .. '","tagList":["load","habits"]}}'
  return wrk.format(nil, nil, nil, json)
end

local failures = 0
response = function(status, headers, body)
  if status ~= 201 then
    failures = failures + 1
    if failures <= 3 then io.stderr:write("status " .. status .. ": " .. body .. "\n") end
  end
end
