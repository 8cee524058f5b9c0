"""Users, workspaces, memberships and roles, sign-in and invitations."""
