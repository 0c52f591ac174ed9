# control.sh: sourced by tests/snap/run.sh.  hv's control socket under
# bad input: text that is not JSON, JSON that is not a command, an
# unknown command, missing arguments, a client that leaves in the
# middle of a message; each gets an error reply (or a note on stderr
# for the client that left) and hv keeps running and answering.  The
# guest (the kernel's self-tests) is stopped first so it cannot end
# meanwhile, then resumed and quit.

# ask NAME REPLY-regex MESSAGE: one message, its reply must match.
ask() {
    local name=$1 re=$2 why=""
    "$QMPC" "$SOCK" "$3" > "$D/$name.qmp" 2>&1 || why="no reply"
    if [ -z "$why" ] && ! tail -n 1 "$D/$name.qmp" | grep -Eq -- "$re"; then
        why="reply lacks /$re/: $(tail -n 1 "$D/$name.qmp")"
    fi
    if [ -z "$why" ] && ! kill -0 "$PID" 2>/dev/null; then why="hv is gone"; fi
    verdict "$name" "$why" "$D/$name.qmp" "$D/hv.err"
}

suite_control() {
    local st why=""
    SOCK=@hv-snap-control-$$
    echo "KTAP version 1"
    echo "1..13"
    "$HV" $ACCEL --timeout 100 --control "$SOCK" build/kernel -- test \
        > "$D/hv.out" 2> "$D/hv.err" &
    PID=$!
    ask stop-answers '^\{"return":\{\}\}' '{"execute":"stop"}'
    ask not-json '"error":\{"class":"GenericError","desc":"JSON parse error' 'hello, hv'
    ask broken-json '"error":.*JSON parse error' '{"execute": "stats",,}'
    ask not-an-object '"error":.*a message is an object' '[1, 2, 3]'
    ask no-execute '"error":.*a message is an object' '{"exec": "stats"}'
    ask unknown-command '"error":\{"class":"CommandNotFound","desc":"The command frobnicate has not been found"' \
        '{"execute":"frobnicate","id":7}'
    ask snapshot-without-file '"error":.*snapshot needs' '{"execute":"snapshot"}'
    ask balloon-without-device '"error":.*no balloon' '{"execute":"balloon","arguments":{"value":1048576}}'
    "$QMPC" --raw "$SOCK" '{"execute": "sta' > /dev/null 2>&1
    sleep 0.3
    why=""
    grep -q "hv: control: the client left in the middle of a message" "$D/hv.err" ||
        why="hv said nothing of the client that left"
    kill -0 "$PID" 2>/dev/null || why="hv is gone"
    verdict client-left-mid-message "$why" "$D/hv.err"
    ask stats-after-all-that '"return":\{"exits":[0-9]+,.*"paused":true' '{"execute":"stats","id":"s1"}'
    ask id-echoed '"id":\[1,"two"\]' '{"execute":"stats","id":[1,"two"]}'
    ask cont-answers '^\{"return":\{\}\}' '{"execute":"cont"}'
    "$QMPC" "$SOCK" '{"execute":"quit"}' > "$D/quit.qmp" 2>&1
    wait "$PID"; st=$?
    why=""
    [ "$st" = 0 ] || why="hv status $st after quit, want 0"
    grep -q "hv: quit (control socket)" "$D/hv.err" || why="${why:-no quit line on stderr}"
    san_clean "$D/hv.err" || why="sanitizer report"
    verdict quit-ends-hv "$why" "$D/hv.err" "$D/quit.qmp"
}
