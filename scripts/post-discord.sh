#!/usr/bin/env bash
# Posts a Discord gateway dispatch frame to a running Omni (bash scripts/run.sh), signed the way Omni's gateway relay
# signs it: Standard Webhooks, webhook-signature "v1,<base64 HMAC-SHA256 of '{webhook-id}.{webhook-timestamp}.{body}'>"
# keyed with the base64-decoded part of the instance's whsec_ secret.
#
#   bash scripts/post-discord.sh [frame.json] [instance]
#
# Defaults: tests/TestData/providers/discord/message-create-reply.json, instance demo-discord (run.sh's), Omni at
# OMNI_URL (http://127.0.0.1:7071), secret OMNI_DISCORD_SECRET (demo-discord's, from appsettings.Development.json).
# Posting the same file twice makes one event: the message id is the idempotency key, not the delivery.
set -euo pipefail
cd "$(dirname "$0")/.."
file="${1:-tests/TestData/providers/discord/message-create-reply.json}"
instance="${2:-demo-discord}"
url="${OMNI_URL:-http://127.0.0.1:7071}"
secret="${OMNI_DISCORD_SECRET:-whsec_ZGVtby1kaXNjb3JkLXJlbGF5LXNlY3JldA==}"

id="msg_$(openssl rand -hex 12)"
timestamp="$(date +%s)"
key_hex="$(printf '%s' "${secret#whsec_}" | base64 -d | od -An -v -tx1 | tr -d ' \n')"
signature="$( { printf '%s.%s.' "$id" "$timestamp"; cat "$file"; } |
  openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key_hex" -binary | base64 -w0)"

curl -sS -X POST "$url/api/webhooks/discord/$instance" \
  -H "webhook-id: $id" -H "webhook-timestamp: $timestamp" -H "webhook-signature: v1,$signature" \
  -H 'content-type: application/json' --data-binary @"$file" -w ' (HTTP %{http_code})\n'
