#!/bin/bash
# The image's HEALTHCHECK: GET /healthz on the bot's port answers 200 within 4 seconds. Bash's
# /dev/tcp, so the image needs no HTTP client. MEMEOPS_HEALTHCHECK_PORT: another port than 8088.
exec 3<>"/dev/tcp/127.0.0.1/${MEMEOPS_HEALTHCHECK_PORT:-8088}" || exit 1
printf 'GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
read -r -t 4 _ status _ <&3 && [[ "$status" == 200 ]]
