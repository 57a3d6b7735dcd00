#!/usr/bin/env bash
# Commit the digest ledger (content/digests.yml) and push it, as the digest workflow does after sending;
# it works by hand too. With GITHUB_TOKEN set, git authenticates with it through the environment, so the
# token is never on a command line or in .git/config. If the branch moved meanwhile, it rebases and
# tries again (only this script writes the ledger, so the rebase cannot conflict on it).
set -euo pipefail
cd "$(dirname "$0")/.."
ledger=content/digests.yml
branch="${GITHUB_REF_NAME:-$(git rev-parse --abbrev-ref HEAD)}"

if [ ! -f "$ledger" ]; then
  echo "No ledger yet: nothing to commit."
  exit 0
fi
git add -- "$ledger"
if git diff --cached --quiet -- "$ledger"; then
  echo "The ledger did not change."
  exit 0
fi
if [ "${GITHUB_ACTIONS:-}" = "true" ]; then
  git config user.name "github-actions[bot]"
  git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
fi
git commit --quiet -m "Digest ledger: record the digest sent" -- "$ledger"

if [ -n "${GITHUB_TOKEN:-}" ]; then
  export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.https://github.com/.extraheader"
  GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $(printf 'x-access-token:%s' "$GITHUB_TOKEN" | base64 | tr -d '\n')"
  export GIT_CONFIG_VALUE_0
fi
for attempt in 1 2 3; do
  if git push --quiet origin "HEAD:$branch"; then
    echo "Committed and pushed $ledger to $branch."
    if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "committed=true" >> "$GITHUB_OUTPUT"; fi
    exit 0
  fi
  echo "Push $attempt of 3 failed: rebasing on $branch and trying again."
  git pull --quiet --rebase origin "$branch"
done
echo "Could not push $ledger to $branch." >&2
exit 1
