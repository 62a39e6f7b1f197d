# SPDX-License-Identifier: GPL-3.0-or-later
# Which compose this machine has, for playground/lab and play.sh (sourced,
# not run).  Both take the same command lines for what the lab does (up -d,
# exec -T, ps -q, down -v); only their names differ.
# shellcheck shell=sh

# Set COMPOSE to "docker compose" (v2, a docker plugin) or "docker-compose"
# (v1, Debian 12's; or v2 installed on its own); false if there is none.
# v2 is asked for its version by name: a docker without the plugin takes
# `docker compose version` for an unknown command, and `docker compose
# down -v` for `docker --version`, and says so with status 0.
find_compose() {
    if docker compose version 2>/dev/null | grep -q '^Docker Compose'; then
        COMPOSE="docker compose"
    elif command -v docker-compose >/dev/null 2>&1; then
        COMPOSE="docker-compose"
    else
        return 1
    fi
}

# Run compose with arguments $@ in the playground folder, where
# compose.yaml and .env are.
compose() {
    # shellcheck disable=SC2086  # "docker compose" is two words
    (cd "$PLAYGROUND" && $COMPOSE "$@")
}
