#!/usr/bin/env bash
# Propose the new papers of the arXiv queries (content/sources.yml) as one pull request of candidates, as
# the import workflow does every day; it works by hand too, with `gh` logged in. In a work tree of its own
# (the checkout is left as it is), on the base branch, it takes over the open candidates pull request's
# changes to content/ (its records, the curator's deletions and edits, the import state), runs
# `paperfeed import` and `paperfeed check`, commits the new records and the state on top of the candidates
# branch, pushes it, and opens or updates the pull request "Candidates for YYYY-MM-DD: N papers".
# Nothing is force-pushed over a curator's commit: the push fails if the branch moved during the run.
# With GH_TOKEN set, git authenticates with it through the environment, so the token is never on a
# command line or in .git/config.
set -euo pipefail
cd "$(dirname "$0")/.."
paperfeed="$PWD/.venv/bin/paperfeed"
base="${BASE_BRANCH:-main}"
branch="paperfeed/candidates"
day="$(date -u +%F)"
work="$(mktemp -d)"
cleanup() {
  git worktree remove --force "$work/tree" >/dev/null 2>&1 || true
  git worktree remove --force "$work/commit" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${GH_TOKEN:-}" ]; then
  export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.https://github.com/.extraheader"
  GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $(printf 'x-access-token:%s' "$GH_TOKEN" | base64 | tr -d '\n')"
  export GIT_CONFIG_VALUE_0
fi
# paperfeed reads what arXiv sends: it runs without the token, which only git and gh need.
without_token() {
  env -u GH_TOKEN -u GIT_CONFIG_COUNT -u GIT_CONFIG_KEY_0 -u GIT_CONFIG_VALUE_0 "$@"
}

git fetch --quiet --no-tags origin "+refs/heads/$base:refs/remotes/origin/$base"
old="$(git ls-remote --heads origin "refs/heads/$branch" | cut -f1)"
if [ -n "$old" ]; then
  git fetch --quiet --no-tags origin "+refs/heads/$branch:refs/remotes/origin/$branch"
fi
pr="$(gh pr list --head "$branch" --base "$base" --state open --json number --jq '.[0].number // empty')"

# The feed as it will be once the pull request is merged: the base, with the pull request's content.
git worktree add --quiet --detach "$work/tree" "refs/remotes/origin/$base"
parent="refs/remotes/origin/$base"
if [ -n "$pr" ] && [ -n "$old" ]; then
  git diff --binary "refs/remotes/origin/$base...$old" -- content/ > "$work/open.diff"
  if [ -s "$work/open.diff" ] && ! git -C "$work/tree" apply --index "$work/open.diff"; then
    echo "Pull request #$pr no longer applies on $base: resolve its conflicts (or close it), then run again." >&2
    exit 1
  fi
  parent="$old"
  echo "Adding to the candidates of pull request #$pr."
fi

(cd "$work/tree" && without_token "$paperfeed" import --date "$day") | tee "$work/import.log"
(cd "$work/tree" && without_token "$paperfeed" check)

mapfile -t added < <(git -C "$work/tree" ls-files --others --exclude-standard -- content/papers)
if [ "${#added[@]}" -eq 0 ]; then
  echo "No new candidates: nothing to propose."
  exit 0
fi

# The new records and the state, on top of the candidates branch as it is (or of the base, for a new one).
git worktree add --quiet --detach "$work/commit" "$parent"
for path in "${added[@]}" content/import-state.yml; do
  mkdir -p "$work/commit/$(dirname "$path")"
  cp "$work/tree/$path" "$work/commit/$path"
done
git -C "$work/commit" add -- "${added[@]}" content/import-state.yml
identity=()
if [ "${GITHUB_ACTIONS:-}" = "true" ]; then
  identity=(-c "user.name=github-actions[bot]" -c "user.email=41898282+github-actions[bot]@users.noreply.github.com")
fi
count="${#added[@]}"
git -C "$work/commit" "${identity[@]}" commit --quiet \
  -m "Candidates for $day: $count new paper$([ "$count" -eq 1 ] || echo s)"
# A branch of a closed pull request is started afresh; one that moved since it was read is left alone.
if ! git -C "$work/commit" push --quiet --force-with-lease="refs/heads/$branch:$old" origin "HEAD:refs/heads/$branch"; then
  echo "The branch $branch moved during this run (a curator's push?): nothing was pushed; run again." >&2
  exit 1
fi

proposal=(without_token "$paperfeed" candidates --base "refs/remotes/origin/$base" --date "$day")
title="$(cd "$work/commit" && "${proposal[@]}" --title)"
(cd "$work/commit" && "${proposal[@]}" --log "$work/import.log") > "$work/body.md"
if [ -n "$pr" ]; then
  # The REST API rather than `gh pr edit`, which also reads the pull request's (classic) project cards,
  # which an App's token may not (cli/cli#8784).
  gh api --silent --method PATCH "repos/{owner}/{repo}/pulls/$pr" -f "title=$title" -F "body=@$work/body.md"
  echo "Updated pull request #$pr: $title"
else
  gh pr create --base "$base" --head "$branch" --title "$title" --body-file "$work/body.md"
  echo "Opened the pull request: $title"
fi
