#!/usr/bin/env bash
# Source this file: starts throwaway PostgreSQL and Redis servers on free loopback ports
# unless DATABASE_URL / REDIS_URL are already given, and stops them on exit.
# Sets DATABASE_URL, REDIS_URL and XIUHUA_SERVICES_DIR.

free_port() {
  .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg_bin() {
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

XIUHUA_SERVICES_DIR=$(mktemp -d /tmp/xiuhua-services.XXXXXX)
export XIUHUA_SERVICES_DIR
chmod 755 "$XIUHUA_SERVICES_DIR"
_xiuhua_cleanup=()

xiuhua_stop_services() {
  local cmd
  for cmd in "${_xiuhua_cleanup[@]}"; do eval "$cmd" >/dev/null 2>&1 || true; done
  rm -rf "$XIUHUA_SERVICES_DIR"
}
trap xiuhua_stop_services EXIT

if [ -z "${DATABASE_URL:-}" ]; then
  PGBIN=$(pg_bin)
  PGPORT=$(free_port)
  PGDATA="$XIUHUA_SERVICES_DIR/pg"
  # initdb refuses to run as root; the server runs as the postgres system user then.
  RUNAS=()
  if [ "$(id -u)" -eq 0 ]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    mkdir -p "$PGDATA" && chown postgres "$PGDATA"
    RUNAS=(runuser -u postgres --)
  fi
  "${RUNAS[@]}" "$PGBIN/initdb" -D "$PGDATA" -U xiuhua --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
    -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
  _xiuhua_cleanup+=("${RUNAS[*]} $PGBIN/pg_ctl -D $PGDATA -m immediate stop")
  "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U xiuhua xiuhua
  export DATABASE_URL="postgres://xiuhua@127.0.0.1:$PGPORT/xiuhua"
  echo "== throwaway PostgreSQL on 127.0.0.1:$PGPORT"
fi

if [ -z "${REDIS_URL:-}" ]; then
  REDISPORT=$(free_port)
  redis-server --port "$REDISPORT" --bind 127.0.0.1 --save "" --appendonly no \
    --daemonize yes --pidfile "$XIUHUA_SERVICES_DIR/redis.pid" --logfile "$XIUHUA_SERVICES_DIR/redis.log" \
    --dir "$XIUHUA_SERVICES_DIR"
  _xiuhua_cleanup+=("kill \$(cat $XIUHUA_SERVICES_DIR/redis.pid)")
  for _ in $(seq 50); do redis-cli -p "$REDISPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export REDIS_URL="redis://127.0.0.1:$REDISPORT/0"
  echo "== throwaway Redis on 127.0.0.1:$REDISPORT"
fi
