# The handler: gets the event JSON as $1, prints the result JSON on stdout. Behind the HTTP API
# front door the event is a payload 2.0 event, so the path is in "rawPath".
function handler () {
  EVENT_DATA=$1
  RAW_PATH=$(printf '%s' "$EVENT_DATA" | grep -o '"rawPath":"[^"]*"' | head -n1 | cut -d'"' -f4 || true)
  if [ "$RAW_PATH" = "/fail" ]; then
    echo "failing on purpose" >&2
    return 1
  fi
  echo "handling ${RAW_PATH:-an event} in bash $BASH_VERSION" >&2
  printf '{"statusCode":200,"headers":{"content-type":"text/plain"},"body":"Hello from bash! You asked for %s"}' "${RAW_PATH:-/}"
}
