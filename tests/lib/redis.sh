# tests/lib/redis.sh -- a private redis-server for a test, sourced by the
# suites that need one (the feed, spanhoundctl, the NAC bridges).
#
#   . tests/lib/redis.sh
#   redis_start DIR [extra redis-server args...]   # sets REDIS_PORT, REDIS_PID, REDIS_DIR
#   rcli CMD ARGS...                                # redis-cli against it
#   redis_stop                                      # SHUTDOWN NOSAVE, waits, kills if needed
#
# The server listens on 127.0.0.1 only, on a free port found by binding
# port 0 (python3), with no persistence unless the caller asks for it.

redis_free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

redis_start() {
    mkdir -p "$1"
    REDIS_DIR=$(cd "$1" && pwd); shift
    local try
    for try in 1 2 3 4 5; do
        REDIS_PORT=${REDIS_FIXED_PORT:-$(redis_free_port)}
        redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" \
            --save '' --appendonly no --daemonize no --logfile "$REDIS_DIR/redis.log" \
            "$@" >/dev/null 2>&1 &
        REDIS_PID=$!
        local i
        for i in $(seq 1 100); do
            if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ${REDIS_AUTH_ARGS:-} PING 2>/dev/null | grep -q PONG \
               || redis-cli -h 127.0.0.1 -p "$REDIS_PORT" PING 2>/dev/null | grep -q NOAUTH; then
                return 0
            fi
            kill -0 "$REDIS_PID" 2>/dev/null || break
            sleep 0.05
        done
        kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null
    done
    echo "redis_start: redis-server did not start (see $REDIS_DIR/redis.log)" >&2
    return 1
}

rcli() {
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ${REDIS_AUTH_ARGS:-} "$@"
}

redis_stop() {
    [ -n "${REDIS_PID:-}" ] || return 0
    kill "$REDIS_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 100); do
        kill -0 "$REDIS_PID" 2>/dev/null || break
        sleep 0.05
    done
    kill -9 "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
    REDIS_PID=
    return 0
}
