#!/usr/bin/env bash
# Points a Telegram bot at Omni: setWebhook with the instance's secret_token (an operator convenience).
# Usage: bash scripts/telegram-set-webhook.sh <instance> <public base URL>    e.g. demo-telegram https://omni.example.com
# Reads Omni__Instances__<instance>__BotToken and __WebhookSecret from the environment, as the app does; prints
# Telegram's answer, never the token. TELEGRAM_API overrides https://api.telegram.org (tests, a local Bot API server).
# allowed_updates lists every update Omni maps: message_reaction(_count) and chat_member are only sent when asked for.
set -euo pipefail
instance=${1:?usage: telegram-set-webhook.sh <instance> <public base URL>}
base=${2:?usage: telegram-set-webhook.sh <instance> <public base URL>}
token=$(printenv "Omni__Instances__${instance}__BotToken") || { echo "set Omni__Instances__${instance}__BotToken" >&2; exit 2; }
secret=$(printenv "Omni__Instances__${instance}__WebhookSecret") || { echo "set Omni__Instances__${instance}__WebhookSecret" >&2; exit 2; }
if ! [[ $secret =~ ^[A-Za-z0-9_-]{1,256}$ ]]; then
  echo "the WebhookSecret of $instance is not a valid secret_token (1-256 of A-Z a-z 0-9 _ -)" >&2; exit 2
fi
curl -sS --fail-with-body "${TELEGRAM_API:-https://api.telegram.org}/bot${token}/setWebhook" \
  --data-urlencode "url=${base%/}/api/webhooks/telegram/${instance}" \
  --data-urlencode "secret_token=${secret}" \
  --data-urlencode 'allowed_updates=["message","edited_message","channel_post","edited_channel_post","business_message","edited_business_message","message_reaction","message_reaction_count","callback_query","my_chat_member","chat_member","poll","poll_answer"]'
echo
