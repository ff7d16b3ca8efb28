#!/bin/sh
# ao's hook handler: an agent (Claude Code, Gemini CLI, Codex's notify) runs it on each of its
# events, and it appends one JSON line to the session's agent-event log:
#   ao-hook.sh <log file> <agent> <event> [json]
# The event's JSON comes as the 4th argument (Codex's notify) or on standard input (hooks).
# Plain sh, not node: node's start-up alone costs 60-200 ms, and this runs on every tool call.
# The agent waits for it, so it starts as few programs as it can: `tr` to read the input (and
# fold it onto one line) and `date`; each is a fork and an exec, several ms on a slow machine.
# It never blocks or fails the agent: it prints nothing (hook output would reach the agent),
# creates nothing (no folder means ao is not tracking this session), and always exits 0.
log=$1 agent=$2 event=$3
[ -n "$log" ] && [ -d "${log%/*}" ] || exit 0
# JSON has no raw newlines inside strings, so folding lines keeps it valid and on one line.
if [ $# -ge 4 ]; then
  data=$4
  case $data in
    *[[:cntrl:]]*) data=$(printf '%s' "$data" | tr -d '\n\r') ;;
  esac
else
  data=$(tr -d '\n\r' 2>/dev/null)
fi
# A tool's whole output can ride along (PostToolUse); past 64 KB keep only the event itself.
case $data in
  '{'*'}') [ ${#data} -le 65536 ] || data=null ;;
  *) data=null ;;
esac
t=$(date +%s%3N 2>/dev/null)
case $t in *N* | '') t="$(date +%s)000" ;; esac
# One printf: the line goes out in one write, appended (O_APPEND) whole.
printf '{"v":1,"t":%s,"agent":"%s","event":"%s","data":%s}\n' "$t" "$agent" "$event" "$data" >>"$log" 2>/dev/null
exit 0
