"""The built-in agent: a tool-use loop over the Messages API in a role's worktree."""
