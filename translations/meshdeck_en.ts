<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AccessAuditTab</name>
    <message>
        <source>Actor (user:ID, key:ID, admin-token)</source>
        <translation>Actor (user:ID, key:ID, admin-token)</translation>
    </message>
    <message>
        <source>Filter by actor</source>
        <translation>Filter by actor</translation>
    </message>
    <message>
        <source>Action (auth.key.created)</source>
        <translation>Action (auth.key.created)</translation>
    </message>
    <message>
        <source>Filter by action</source>
        <translation>Filter by action</translation>
    </message>
    <message>
        <source>Resource (topic:orders)</source>
        <translation>Resource (topic:orders)</translation>
    </message>
    <message>
        <source>Filter by resource</source>
        <translation>Filter by resource</translation>
    </message>
    <message>
        <source>Filter by outcome</source>
        <translation>Filter by outcome</translation>
    </message>
    <message>
        <source>From (2026-11-30 14:00)</source>
        <translation>From (2026-11-30 14:00)</translation>
    </message>
    <message>
        <source>From time</source>
        <translation>From time</translation>
    </message>
    <message>
        <source>To</source>
        <translation>To</translation>
    </message>
    <message>
        <source>To time</source>
        <translation>To time</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>Search the audit log</source>
        <translation>Search the audit log</translation>
    </message>
    <message>
        <source>Follow live</source>
        <translation>Follow live</translation>
    </message>
    <message>
        <source>Follow the audit log live</source>
        <translation>Follow the audit log live</translation>
    </message>
    <message>
        <source>Live follow stopped: %1</source>
        <translation>Live follow stopped: %1</translation>
    </message>
    <message>
        <source>Audit records</source>
        <translation>Audit records</translation>
    </message>
    <message>
        <source>%1 %2 by %3 on %4: %5</source>
        <translation>%1 %2 by %3 on %4: %5</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>%1 · %2 · %3 (%4)</source>
        <translation>%1 · %2 · %3 (%4)</translation>
    </message>
    <message>
        <source>No audit record matches these filters.</source>
        <translation>No audit record matches these filters.</translation>
    </message>
    <message>
        <source>Retry searching the audit log</source>
        <translation>Retry searching the audit log</translation>
    </message>
    <message>
        <source>Load more</source>
        <translation>Load more</translation>
    </message>
    <message>
        <source>Load older audit records</source>
        <translation>Load older audit records</translation>
    </message>
    <message>
        <source>Select a record to see who did what, from where, and what it changed.</source>
        <translation>Select a record to see who did what, from where, and what it changed.</translation>
    </message>
    <message>
        <source>%1 %2 → %3</source>
        <translation>%1 %2 → %3</translation>
    </message>
    <message>
        <source>%1 by %2 from %3, request %4</source>
        <translation>%1 by %2 from %3, request %4</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Before</translation>
    </message>
    <message>
        <source>After</source>
        <translation>After</translation>
    </message>
    <message>
        <source>Changes of the record</source>
        <translation>Changes of the record</translation>
    </message>
    <message>
        <source>%1 %2: before %3, after %4</source>
        <translation>%1 %2: before %3, after %4</translation>
    </message>
    <message>
        <source>This record changed nothing that has a before and after (a read, a sign-in or a denial).</source>
        <translation>This record changed nothing that has a before and after (a read, a sign-in or a denial).</translation>
    </message>
</context>
<context>
    <name>AccessKeysTab</name>
    <message>
        <source>API keys act with the owner&apos;s role, narrowed to their scopes.</source>
        <translation>API keys act with the owner&apos;s role, narrowed to their scopes.</translation>
    </message>
    <message>
        <source>New API key…</source>
        <translation>New API key…</translation>
    </message>
    <message>
        <source>Create an API key</source>
        <translation>Create an API key</translation>
    </message>
    <message>
        <source>API keys</source>
        <translation>API keys</translation>
    </message>
    <message>
        <source>Key %1 (%2…), %3, scopes %4</source>
        <translation>Key %1 (%2…), %3, scopes %4</translation>
    </message>
    <message>
        <source>%1 · %2…</source>
        <translation>%1 · %2…</translation>
    </message>
    <message>
        <source>Scopes: %1</source>
        <translation>Scopes: %1</translation>
    </message>
    <message>
        <source>%1 · expires: %2 · last used: %3</source>
        <translation>%1 · expires: %2 · last used: %3</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>Revoke…</translation>
    </message>
    <message>
        <source>Revoke the key %1</source>
        <translation>Revoke the key %1</translation>
    </message>
    <message>
        <source>No API keys yet. Create one for a script or a service that calls the API.</source>
        <translation>No API keys yet. Create one for a script or a service that calls the API.</translation>
    </message>
    <message>
        <source>No API keys yet.</source>
        <translation>No API keys yet.</translation>
    </message>
    <message>
        <source>Retry loading the API keys</source>
        <translation>Retry loading the API keys</translation>
    </message>
    <message>
        <source>Revoke the key %1?</source>
        <translation>Revoke the key %1?</translation>
    </message>
    <message>
        <source>Revoke</source>
        <translation>Revoke</translation>
    </message>
    <message>
        <source>Every request with the key %1… is refused from now on: whatever uses it loses %2, and its open live connections are closed. This cannot be undone; a new key would have to be created and given to it.</source>
        <translation>Every request with the key %1… is refused from now on: whatever uses it loses %2, and its open live connections are closed. This cannot be undone; a new key would have to be created and given to it.</translation>
    </message>
    <message>
        <source>New API key</source>
        <translation>New API key</translation>
    </message>
    <message>
        <source>Name (where it is used: ci, deploy bot…)</source>
        <translation>Name (where it is used: ci, deploy bot…)</translation>
    </message>
    <message>
        <source>Key name</source>
        <translation>Key name</translation>
    </message>
    <message>
        <source>Key expiry</source>
        <translation>Key expiry</translation>
    </message>
    <message>
        <source>Scopes (%1 picked); you can only give what you hold yourself</source>
        <translation>Scopes (%1 picked); you can only give what you hold yourself</translation>
    </message>
    <message>
        <source>Scopes</source>
        <translation>Scopes</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>%1 — %2 (you do not hold it)</source>
        <translation>%1 — %2 (you do not hold it)</translation>
    </message>
    <message>
        <source>Scope %1</source>
        <translation>Scope %1</translation>
    </message>
    <message>
        <source>The backend lists no permissions.</source>
        <translation>The backend lists no permissions.</translation>
    </message>
    <message>
        <source>Retry loading the permissions</source>
        <translation>Retry loading the permissions</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Create</translation>
    </message>
    <message>
        <source>Create the key</source>
        <translation>Create the key</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Cancel creating a key</source>
        <translation>Cancel creating a key</translation>
    </message>
    <message>
        <source>Your new API key %1</source>
        <translation>Your new API key %1</translation>
    </message>
    <message>
        <source>Copy it now: you will not see it again. Meshdeck keeps only its prefix; if it is lost, revoke it and create another.</source>
        <translation>Copy it now: you will not see it again. Meshdeck keeps only its prefix; if it is lost, revoke it and create another.</translation>
    </message>
    <message>
        <source>The new API key</source>
        <translation>The new API key</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>Copy the key</source>
        <translation>Copy the key</translation>
    </message>
    <message>
        <source>Copied to the clipboard.</source>
        <translation>Copied to the clipboard.</translation>
    </message>
    <message>
        <source>I have copied it</source>
        <translation>I have copied it</translation>
    </message>
    <message>
        <source>Close the key</source>
        <translation>Close the key</translation>
    </message>
</context>
<context>
    <name>AccessPage</name>
    <message>
        <source>Access</source>
        <translation>Access</translation>
    </message>
    <message>
        <source>Signed in as %1 (%2)</source>
        <translation>Signed in as %1 (%2)</translation>
    </message>
    <message>
        <source>Users, teams, API keys, permissions and the audit log</source>
        <translation>Users, teams, API keys, permissions and the audit log</translation>
    </message>
    <message>
        <source>Access sections</source>
        <translation>Access sections</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Users</translation>
    </message>
    <message>
        <source>Teams</source>
        <translation>Teams</translation>
    </message>
    <message>
        <source>API keys</source>
        <translation>API keys</translation>
    </message>
    <message>
        <source>Permission simulator</source>
        <translation>Permission simulator</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>Audit log</translation>
    </message>
    <message>
        <source>Your role may not manage users, teams, API keys or read the audit log here.</source>
        <translation>Your role may not manage users, teams, API keys or read the audit log here.</translation>
    </message>
</context>
<context>
    <name>AccessSimulatorTab</name>
    <message>
        <source>Who</source>
        <translation>Who</translation>
    </message>
    <message>
        <source>Principal to simulate</source>
        <translation>Principal to simulate</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>Action to simulate</source>
        <translation>Action to simulate</translation>
    </message>
    <message>
        <source>Resource</source>
        <translation>Resource</translation>
    </message>
    <message>
        <source>Optional, such as topic:orders</source>
        <translation>Optional, such as topic:orders</translation>
    </message>
    <message>
        <source>Resource to simulate</source>
        <translation>Resource to simulate</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>Check the permission</source>
        <translation>Check the permission</translation>
    </message>
    <message>
        <source>Allowed, on the documents that grant it</source>
        <translation>Allowed, on the documents that grant it</translation>
    </message>
    <message>
        <source>Allowed</source>
        <translation>Allowed</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Denied</translation>
    </message>
    <message>
        <source>Reasons</source>
        <translation>Reasons</translation>
    </message>
    <message>
        <source>%1 rule %2: %3</source>
        <translation>%1 rule %2: %3</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>passed</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>failed</translation>
    </message>
    <message>
        <source>Pick who, what and optionally on which resource, then Check: the verdict and every rule behind it appear here.</source>
        <translation>Pick who, what and optionally on which resource, then Check: the verdict and every rule behind it appear here.</translation>
    </message>
    <message>
        <source>Check the permission again</source>
        <translation>Check the permission again</translation>
    </message>
</context>
<context>
    <name>AccessTeamsTab</name>
    <message>
        <source>New team name</source>
        <translation>New team name</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Create</translation>
    </message>
    <message>
        <source>Create the team</source>
        <translation>Create the team</translation>
    </message>
    <message>
        <source>Teams</source>
        <translation>Teams</translation>
    </message>
    <message numerus="yes">
        <source>%1 (%n member(s))</source>
        <translation>
            <numerusform>%1 (%n member)</numerusform>
            <numerusform>%1 (%n members)</numerusform>
        </translation>
    </message>
    <message>
        <source>No teams yet. A team shares topics, sites and rooms among its members.</source>
        <translation>No teams yet. A team shares topics, sites and rooms among its members.</translation>
    </message>
    <message>
        <source>You are in no team yet.</source>
        <translation>You are in no team yet.</translation>
    </message>
    <message>
        <source>Retry loading the teams</source>
        <translation>Retry loading the teams</translation>
    </message>
    <message>
        <source>Select a team to see and change its members.</source>
        <translation>Select a team to see and change its members.</translation>
    </message>
    <message>
        <source>Members of %1</source>
        <translation>Members of %1</translation>
    </message>
    <message>
        <source>User to add</source>
        <translation>User to add</translation>
    </message>
    <message>
        <source>Team roles, comma-separated</source>
        <translation>Team roles, comma-separated</translation>
    </message>
    <message>
        <source>Team roles of the user to add</source>
        <translation>Team roles of the user to add</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>Add the user to the team</source>
        <translation>Add the user to the team</translation>
    </message>
    <message>
        <source>Invite by email address</source>
        <translation>Invite by email address</translation>
    </message>
    <message>
        <source>Email address to invite</source>
        <translation>Email address to invite</translation>
    </message>
    <message>
        <source>Team roles of the invitation</source>
        <translation>Team roles of the invitation</translation>
    </message>
    <message>
        <source>Invite</source>
        <translation>Invite</translation>
    </message>
    <message>
        <source>Invite to the team</source>
        <translation>Invite to the team</translation>
    </message>
    <message>
        <source>%1, %2, joined %3</source>
        <translation>%1, %2, joined %3</translation>
    </message>
    <message>
        <source>%1 · %2 · joined %3</source>
        <translation>%1 · %2 · joined %3</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>Remove…</translation>
    </message>
    <message>
        <source>Remove %1 from the team</source>
        <translation>Remove %1 from the team</translation>
    </message>
    <message>
        <source>%1 leaves %2: what the team&apos;s permissions gave them (its topics, sites and rooms) is no longer theirs, from their next request on.</source>
        <translation>%1 leaves %2: what the team&apos;s permissions gave them (its topics, sites and rooms) is no longer theirs, from their next request on.</translation>
    </message>
    <message>
        <source>This team has no members.</source>
        <translation>This team has no members.</translation>
    </message>
    <message>
        <source>Retry loading the members</source>
        <translation>Retry loading the members</translation>
    </message>
    <message>
        <source>Remove from %1?</source>
        <translation>Remove from %1?</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Invitation for %1</source>
        <translation>Invitation for %1</translation>
    </message>
    <message>
        <source>No mail is sent: give this token to %1 yourself. You will not see it again.</source>
        <translation>No mail is sent: give this token to %1 yourself. You will not see it again.</translation>
    </message>
    <message>
        <source>The invitation token</source>
        <translation>The invitation token</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>Copy the invitation token</source>
        <translation>Copy the invitation token</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>Close the invitation</source>
        <translation>Close the invitation</translation>
    </message>
</context>
<context>
    <name>AccessUsersTab</name>
    <message>
        <source>Search by email or name</source>
        <translation>Search by email or name</translation>
    </message>
    <message>
        <source>Search users</source>
        <translation>Search users</translation>
    </message>
    <message>
        <source>New user…</source>
        <translation>New user…</translation>
    </message>
    <message>
        <source>Create a user</source>
        <translation>Create a user</translation>
    </message>
    <message>
        <source>Filter users by role</source>
        <translation>Filter users by role</translation>
    </message>
    <message>
        <source>Filter users by status</source>
        <translation>Filter users by status</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Users</translation>
    </message>
    <message>
        <source>%1, %2, %3, %4</source>
        <translation>%1, %2, %3, %4</translation>
    </message>
    <message>
        <source>%1 &lt;%2&gt;</source>
        <translation>%1 &lt;%2&gt;</translation>
    </message>
    <message>
        <source>%1 · %2 · last sign-in %3</source>
        <translation>%1 · %2 · last sign-in %3</translation>
    </message>
    <message>
        <source>No user matches these filters.</source>
        <translation>No user matches these filters.</translation>
    </message>
    <message>
        <source>No users yet. The admin token works without one; create users for the people who sign in.</source>
        <translation>No users yet. The admin token works without one; create users for the people who sign in.</translation>
    </message>
    <message>
        <source>Retry loading the users</source>
        <translation>Retry loading the users</translation>
    </message>
    <message>
        <source>Select a user to see their sessions and change their access.</source>
        <translation>Select a user to see their sessions and change their access.</translation>
    </message>
    <message>
        <source>Role of %1</source>
        <translation>Role of %1</translation>
    </message>
    <message>
        <source>%1 becomes %2: from their next request on they may do what that role may, and no more.</source>
        <translation>%1 becomes %2: from their next request on they may do what that role may, and no more.</translation>
    </message>
    <message>
        <source>Disable…</source>
        <translation>Disable…</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Enable</translation>
    </message>
    <message>
        <source>Disable %1</source>
        <translation>Disable %1</translation>
    </message>
    <message>
        <source>Enable %1</source>
        <translation>Enable %1</translation>
    </message>
    <message>
        <source>%1 can no longer sign in. Their sessions end now, their API keys stop working and their live views are closed. You can enable them again.</source>
        <translation>%1 can no longer sign in. Their sessions end now, their API keys stop working and their live views are closed. You can enable them again.</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>New password</translation>
    </message>
    <message>
        <source>New password for %1</source>
        <translation>New password for %1</translation>
    </message>
    <message>
        <source>Reset password…</source>
        <translation>Reset password…</translation>
    </message>
    <message>
        <source>Reset the password of %1</source>
        <translation>Reset the password of %1</translation>
    </message>
    <message>
        <source>The password of %1 is replaced and every session they have ends: each of their devices must sign in again.</source>
        <translation>The password of %1 is replaced and every session they have ends: each of their devices must sign in again.</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sessions</translation>
    </message>
    <message>
        <source>Revoke all…</source>
        <translation>Revoke all…</translation>
    </message>
    <message>
        <source>Revoke every session of %1</source>
        <translation>Revoke every session of %1</translation>
    </message>
    <message>
        <source>Every session of %1 ends now: each of their devices must sign in again. Their API keys keep working.</source>
        <translation>Every session of %1 ends now: each of their devices must sign in again. Their API keys keep working.</translation>
    </message>
    <message>
        <source>Sessions of %1</source>
        <translation>Sessions of %1</translation>
    </message>
    <message>
        <source>Session from %1, %2, last used %3</source>
        <translation>Session from %1, %2, last used %3</translation>
    </message>
    <message>
        <source>%1 · %2%3</source>
        <translation>%1 · %2%3</translation>
    </message>
    <message>
        <source> (this console)</source>
        <translation> (this console)</translation>
    </message>
    <message>
        <source>signed in %1 · last used %2 · expires %3</source>
        <translation>signed in %1 · last used %2 · expires %3</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>Revoke…</translation>
    </message>
    <message>
        <source>Revoke the session from %1</source>
        <translation>Revoke the session from %1</translation>
    </message>
    <message>
        <source>The session from %1 (%2) ends now: that device must sign in again.</source>
        <translation>The session from %1 (%2) ends now: that device must sign in again.</translation>
    </message>
    <message>
        <source>No open sessions: this user is signed in nowhere.</source>
        <translation>No open sessions: this user is signed in nowhere.</translation>
    </message>
    <message>
        <source>Retry loading the sessions</source>
        <translation>Retry loading the sessions</translation>
    </message>
    <message>
        <source>Disable %1?</source>
        <translation>Disable %1?</translation>
    </message>
    <message>
        <source>Change the role of %1?</source>
        <translation>Change the role of %1?</translation>
    </message>
    <message>
        <source>Reset the password of %1?</source>
        <translation>Reset the password of %1?</translation>
    </message>
    <message>
        <source>Revoke sessions of %1?</source>
        <translation>Revoke sessions of %1?</translation>
    </message>
    <message>
        <source>New user</source>
        <translation>New user</translation>
    </message>
    <message>
        <source>Email address</source>
        <translation>Email address</translation>
    </message>
    <message>
        <source>Email address of the new user</source>
        <translation>Email address of the new user</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Name of the new user</source>
        <translation>Name of the new user</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>Password of the new user</source>
        <translation>Password of the new user</translation>
    </message>
    <message>
        <source>Role of the new user</source>
        <translation>Role of the new user</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Create</translation>
    </message>
    <message>
        <source>Create the user</source>
        <translation>Create the user</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Cancel creating a user</source>
        <translation>Cancel creating a user</translation>
    </message>
</context>
<context>
    <name>CertificateDialog</name>
    <message>
        <source>Trust this certificate?</source>
        <translation>Trust this certificate?</translation>
    </message>
    <message>
        <source>%1 presented a certificate that no authority this system trusts has signed. Compare the key fingerprint with the one its administrator gives you before you trust it.</source>
        <translation>%1 presented a certificate that no authority this system trusts has signed. Compare the key fingerprint with the one its administrator gives you before you trust it.</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Subject</translation>
    </message>
    <message>
        <source>Issuer</source>
        <translation>Issuer</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>Valid</translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>%1 to %2</translation>
    </message>
    <message>
        <source>Key (SPKI SHA-256)</source>
        <translation>Key (SPKI SHA-256)</translation>
    </message>
    <message>
        <source>Trust and connect</source>
        <translation>Trust and connect</translation>
    </message>
    <message>
        <source>Trust this certificate and connect</source>
        <translation>Trust this certificate and connect</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Do not trust this certificate</source>
        <translation>Do not trust this certificate</translation>
    </message>
</context>
<context>
    <name>ChatConversation</name>
    <message>
        <source>Pick a room to read its conversation.</source>
        <translation>Pick a room to read its conversation.</translation>
    </message>
    <message>
        <source>%1 (private)</source>
        <translation>%1 (private)</translation>
    </message>
    <message>
        <source>Read as support, recorded with the reason: %1</source>
        <translation>Read as support, recorded with the reason: %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Loading older messages…</source>
        <translation>Loading older messages…</translation>
    </message>
    <message>
        <source>Older messages</source>
        <translation>Older messages</translation>
    </message>
    <message>
        <source>Load older messages</source>
        <translation>Load older messages</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>%1 at %2: message deleted</source>
        <translation>%1 at %2: message deleted</translation>
    </message>
    <message>
        <source>%1 at %2: %3</source>
        <translation>%1 at %2: %3</translation>
    </message>
    <message>
        <source>%1 · %2 · edited %3</source>
        <translation>%1 · %2 · edited %3</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>↪ %1: (deleted message)</source>
        <translation>↪ %1: (deleted message)</translation>
    </message>
    <message>
        <source>↪ %1: %2</source>
        <translation>↪ %1: %2</translation>
    </message>
    <message>
        <source>This message was deleted (%1).</source>
        <translation>This message was deleted (%1).</translation>
    </message>
    <message>
        <source>No messages in this room yet.</source>
        <translation>No messages in this room yet.</translation>
    </message>
    <message>
        <source>Retry loading the messages</source>
        <translation>Retry loading the messages</translation>
    </message>
    <message>
        <source>Jump to the latest messages</source>
        <translation>Jump to the latest messages</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Delete…</translation>
    </message>
    <message>
        <source>Delete the message of %1 from %2: %3</source>
        <translation>Delete the message of %1 from %2: %3</translation>
    </message>
    <message>
        <source>Delete this message?</source>
        <translation>Delete this message?</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>The message of %1 from %2 is deleted for everyone: its text leaves the room, search, reports and replies, and a note that you deleted it stays in its place. This cannot be undone.</source>
        <translation>The message of %1 from %2 is deleted for everyone: its text leaves the room, search, reports and replies, and a note that you deleted it stays in its place. This cannot be undone.</translation>
    </message>
</context>
<context>
    <name>ChatPage</name>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Rooms, conversations, search, reports and invitations</source>
        <translation>Rooms, conversations, search, reports and invitations</translation>
    </message>
    <message>
        <source>Chat sections</source>
        <translation>Chat sections</translation>
    </message>
    <message>
        <source>Rooms</source>
        <translation>Rooms</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>Reports (%1)</source>
        <translation>Reports (%1)</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Reports</translation>
    </message>
    <message>
        <source>Why do you need to read %1?</source>
        <translation>Why do you need to read %1?</translation>
    </message>
    <message>
        <source>%1 is a private room you are not a participant of. Your read is recorded with your name, the reason and the messages you see, and the room&apos;s owners can see that record.</source>
        <translation>%1 is a private room you are not a participant of. Your read is recorded with your name, the reason and the messages you see, and the room&apos;s owners can see that record.</translation>
    </message>
    <message>
        <source>Reason (ticket number, report…)</source>
        <translation>Reason (ticket number, report…)</translation>
    </message>
    <message>
        <source>Reason for reading the room</source>
        <translation>Reason for reading the room</translation>
    </message>
    <message>
        <source>Read and record</source>
        <translation>Read and record</translation>
    </message>
    <message>
        <source>Read the room with this reason</source>
        <translation>Read the room with this reason</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Do not read the room</source>
        <translation>Do not read the room</translation>
    </message>
    <message>
        <source>Why do you need to read the reported messages?</source>
        <translation>Why do you need to read the reported messages?</translation>
    </message>
    <message>
        <source>Some reports come from private rooms you are not a participant of. Reading their text is recorded for each room with your name, the reason and the messages you see, and the rooms&apos; owners can see that record.</source>
        <translation>Some reports come from private rooms you are not a participant of. Reading their text is recorded for each room with your name, the reason and the messages you see, and the rooms&apos; owners can see that record.</translation>
    </message>
</context>
<context>
    <name>ChatReports</name>
    <message>
        <source>Open</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>Open reports</source>
        <translation>Open reports</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <source>Resolved reports</source>
        <translation>Resolved reports</translation>
    </message>
    <message>
        <source>Reported messages</source>
        <translation>Reported messages</translation>
    </message>
    <message>
        <source>Report by %1 in %2 at %3: %4</source>
        <translation>Report by %1 in %2 at %3: %4</translation>
    </message>
    <message>
        <source>%1 · %2 reported in %3: %4</source>
        <translation>%1 · %2 reported in %3: %4</translation>
    </message>
    <message>
        <source>%1: (deleted)</source>
        <translation>%1: (deleted)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Open in room</source>
        <translation>Open in room</translation>
    </message>
    <message>
        <source>Open report of %1 in its room</source>
        <translation>Open report of %1 in its room</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>Resolve</translation>
    </message>
    <message>
        <source>Resolve report of %1</source>
        <translation>Resolve report of %1</translation>
    </message>
    <message>
        <source>No open reports.</source>
        <translation>No open reports.</translation>
    </message>
    <message>
        <source>No resolved reports.</source>
        <translation>No resolved reports.</translation>
    </message>
    <message>
        <source>Retry loading the reports</source>
        <translation>Retry loading the reports</translation>
    </message>
    <message>
        <source>Private rooms&apos; text shown, recorded with the reason: %1</source>
        <translation>Private rooms&apos; text shown, recorded with the reason: %1</translation>
    </message>
    <message>
        <source>From a private room you are not in: its text is shown once you give a reason, and that read is recorded.</source>
        <translation>From a private room you are not in: its text is shown once you give a reason, and that read is recorded.</translation>
    </message>
    <message>
        <source>Show text…</source>
        <translation>Show text…</translation>
    </message>
    <message>
        <source>Show the text of reports from private rooms, with a reason</source>
        <translation>Show the text of reports from private rooms, with a reason</translation>
    </message>
</context>
<context>
    <name>ChatRoomPanel</name>
    <message>
        <source>Room details</source>
        <translation>Room details</translation>
    </message>
    <message>
        <source>Invitations</source>
        <translation>Invitations</translation>
    </message>
    <message>
        <source>Support reads</source>
        <translation>Support reads</translation>
    </message>
    <message>
        <source>Invitation expiry</source>
        <translation>Invitation expiry</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 hour</translation>
    </message>
    <message>
        <source>1 day</source>
        <translation>1 day</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7 days</translation>
    </message>
    <message>
        <source>Maximum uses</source>
        <translation>Maximum uses</translation>
    </message>
    <message>
        <source>Invite</source>
        <translation>Invite</translation>
    </message>
    <message>
        <source>Create an invitation</source>
        <translation>Create an invitation</translation>
    </message>
    <message>
        <source>Invitations to this room</source>
        <translation>Invitations to this room</translation>
    </message>
    <message>
        <source>Invitation %1: %2, %3, expires %4</source>
        <translation>Invitation %1: %2, %3, expires %4</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>expires %1</source>
        <translation>expires %1</translation>
    </message>
    <message>
        <source>QR code</source>
        <translation>QR code</translation>
    </message>
    <message>
        <source>Show the QR code of invitation %1</source>
        <translation>Show the QR code of invitation %1</translation>
    </message>
    <message>
        <source>Revoke</source>
        <translation>Revoke</translation>
    </message>
    <message>
        <source>Revoke invitation %1</source>
        <translation>Revoke invitation %1</translation>
    </message>
    <message>
        <source>No invitations to this room.</source>
        <translation>No invitations to this room.</translation>
    </message>
    <message>
        <source>Retry loading the invitations</source>
        <translation>Retry loading the invitations</translation>
    </message>
    <message>
        <source>QR code of the invitation link %1</source>
        <translation>QR code of the invitation link %1</translation>
    </message>
    <message>
        <source>Loading the QR code…</source>
        <translation>Loading the QR code…</translation>
    </message>
    <message>
        <source>Invitation link</source>
        <translation>Invitation link</translation>
    </message>
    <message>
        <source>Support reads of this room</source>
        <translation>Support reads of this room</translation>
    </message>
    <message>
        <source>%1 read %2 message(s) at %3: %4</source>
        <translation>%1 read %2 message(s) at %3: %4</translation>
    </message>
    <message numerus="yes">
        <source>%1 · %2 · %n message(s)</source>
        <translation>
            <numerusform>%1 · %2 · %n message(s)</numerusform>
            <numerusform>%1 · %2 · %n message(s)</numerusform>
        </translation>
    </message>
    <message>
        <source>Nobody has read this room as support.</source>
        <translation>Nobody has read this room as support.</translation>
    </message>
    <message>
        <source>Retry loading the support reads</source>
        <translation>Retry loading the support reads</translation>
    </message>
    <message>
        <source>Revoke the invitation?</source>
        <translation>Revoke the invitation?</translation>
    </message>
</context>
<context>
    <name>ChatRooms</name>
    <message>
        <source>Chat rooms</source>
        <translation>Chat rooms</translation>
    </message>
    <message>
        <source>Room %1%2, %3 unread, %4 of %5 online</source>
        <translation>Room %1%2, %3 unread, %4 of %5 online</translation>
    </message>
    <message>
        <source> (private)</source>
        <translation> (private)</translation>
    </message>
    <message>
        <source>demo</source>
        <translation>demo</translation>
    </message>
    <message>
        <source>No messages yet</source>
        <translation>No messages yet</translation>
    </message>
    <message>
        <source>Not a participant</source>
        <translation>Not a participant</translation>
    </message>
    <message>
        <source>%1 · %2 of %3 online</source>
        <translation>%1 · %2 of %3 online</translation>
    </message>
    <message>
        <source>No rooms you may read yet.</source>
        <translation>No rooms you may read yet.</translation>
    </message>
    <message>
        <source>Retry loading the rooms</source>
        <translation>Retry loading the rooms</translation>
    </message>
    <message>
        <source>More rooms</source>
        <translation>More rooms</translation>
    </message>
    <message>
        <source>Load more rooms</source>
        <translation>Load more rooms</translation>
    </message>
    <message>
        <source>%1 (private)</source>
        <translation>%1 (private)</translation>
    </message>
</context>
<context>
    <name>ChatSearch</name>
    <message>
        <source>Search messages (at least two characters)</source>
        <translation>Search messages (at least two characters)</translation>
    </message>
    <message>
        <source>Search messages</source>
        <translation>Search messages</translation>
    </message>
    <message>
        <source>Reason, to include private rooms (recorded)</source>
        <translation>Reason, to include private rooms (recorded)</translation>
    </message>
    <message>
        <source>Reason for searching private rooms</source>
        <translation>Reason for searching private rooms</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>Search the chat</source>
        <translation>Search the chat</translation>
    </message>
    <message>
        <source>Search hits</source>
        <translation>Search hits</translation>
    </message>
    <message>
        <source>%1 in %2 at %3: %4</source>
        <translation>%1 in %2 at %3: %4</translation>
    </message>
    <message>
        <source>%1 · %2 · %3</source>
        <translation>%1 · %2 · %3</translation>
    </message>
    <message>
        <source>%1 (private)</source>
        <translation>%1 (private)</translation>
    </message>
    <message>
        <source>No message matches.</source>
        <translation>No message matches.</translation>
    </message>
    <message>
        <source>Retry the search</source>
        <translation>Retry the search</translation>
    </message>
</context>
<context>
    <name>ClusterBand</name>
    <message>
        <source>Attached to %1: %2</source>
        <translation>Attached to %1: %2</translation>
    </message>
    <message>
        <source>node %1 (%2 of %3)</source>
        <translation>node %1 (%2 of %3)</translation>
    </message>
    <message>
        <source>Signed in as %1 (%2)</source>
        <translation>Signed in as %1 (%2)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <source>Sign out of %1</source>
        <translation>Sign out of %1</translation>
    </message>
</context>
<context>
    <name>ClusterProfile</name>
    <message>
        <source>Give the profile a name.</source>
        <translation>Give the profile a name.</translation>
    </message>
    <message>
        <source>Add at least one node URL, for example https://node1.example:7700.</source>
        <translation>Add at least one node URL, for example https://node1.example:7700.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a node URL: write it as http://HOST:PORT or https://HOST:PORT.</source>
        <translation>&quot;%1&quot; is not a node URL: write it as http://HOST:PORT or https://HOST:PORT.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; has a path, query or fragment: give only the scheme, host and port.</source>
        <translation>&quot;%1&quot; has a path, query or fragment: give only the scheme, host and port.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a colour: use a name or #RRGGBB.</source>
        <translation>&quot;%1&quot; is not a colour: use a name or #RRGGBB.</translation>
    </message>
    <message>
        <source>Choose the CA certificate file (PEM) that issued the nodes&apos; certificates.</source>
        <translation>Choose the CA certificate file (PEM) that issued the nodes&apos; certificates.</translation>
    </message>
    <message>
        <source>The CA file %1 cannot be read.</source>
        <translation>The CA file %1 cannot be read.</translation>
    </message>
    <message>
        <source>The pin must be the base64 of a 32-byte SHA-256 of the certificate&apos;s public key (44 characters ending in &quot;=&quot;).</source>
        <translation>The pin must be the base64 of a 32-byte SHA-256 of the certificate&apos;s public key (44 characters ending in &quot;=&quot;).</translation>
    </message>
    <message>
        <source>The backup pin must be the base64 of a 32-byte SHA-256 of a public key, or empty.</source>
        <translation>The backup pin must be the base64 of a 32-byte SHA-256 of a public key, or empty.</translation>
    </message>
    <message>
        <source>Enter the email address you sign in with, for example ada@example.com.</source>
        <translation>Enter the email address you sign in with, for example ada@example.com.</translation>
    </message>
</context>
<context>
    <name>ClusterSwitcher</name>
    <message>
        <source>Cluster</source>
        <translation>Cluster</translation>
    </message>
    <message>
        <source>Local stack</source>
        <translation>Local stack</translation>
    </message>
    <message>
        <source>Attached cluster</source>
        <translation>Attached cluster</translation>
    </message>
    <message>
        <source>Cluster profiles…</source>
        <translation>Cluster profiles…</translation>
    </message>
    <message>
        <source>Manage cluster profiles</source>
        <translation>Manage cluster profiles</translation>
    </message>
</context>
<context>
    <name>ClustersDialog</name>
    <message>
        <source>Cluster profiles</source>
        <translation>Cluster profiles</translation>
    </message>
    <message>
        <source>Saved. The credential is in the keychain.</source>
        <translation>Saved. The credential is in the keychain.</translation>
    </message>
    <message>
        <source>Profile %1</source>
        <translation>Profile %1</translation>
    </message>
    <message>
        <source>No profile yet: fill in the form to add the first one.</source>
        <translation>No profile yet: fill in the form to add the first one.</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>New profile</translation>
    </message>
    <message>
        <source>New cluster profile</source>
        <translation>New cluster profile</translation>
    </message>
    <message>
        <source>Edit profile</source>
        <translation>Edit profile</translation>
    </message>
    <message>
        <source>Name, for example Production</source>
        <translation>Name, for example Production</translation>
    </message>
    <message>
        <source>Profile name</source>
        <translation>Profile name</translation>
    </message>
    <message>
        <source>Node URLs, one a line: https://node1.example:7700</source>
        <translation>Node URLs, one a line: https://node1.example:7700</translation>
    </message>
    <message>
        <source>Node URLs, one a line</source>
        <translation>Node URLs, one a line</translation>
    </message>
    <message>
        <source>Blue</source>
        <translation>Blue</translation>
    </message>
    <message>
        <source>Green</source>
        <translation>Green</translation>
    </message>
    <message>
        <source>Amber</source>
        <translation>Amber</translation>
    </message>
    <message>
        <source>Red</source>
        <translation>Red</translation>
    </message>
    <message>
        <source>Purple</source>
        <translation>Purple</translation>
    </message>
    <message>
        <source>Grey</source>
        <translation>Grey</translation>
    </message>
    <message>
        <source>Profile colour</source>
        <translation>Profile colour</translation>
    </message>
    <message>
        <source>The system&apos;s CAs (ask on first contact)</source>
        <translation>The system&apos;s CAs (ask on first contact)</translation>
    </message>
    <message>
        <source>The CA in a file</source>
        <translation>The CA in a file</translation>
    </message>
    <message>
        <source>A pinned key (SPKI SHA-256)</source>
        <translation>A pinned key (SPKI SHA-256)</translation>
    </message>
    <message>
        <source>Certificate trust</source>
        <translation>Certificate trust</translation>
    </message>
    <message>
        <source>CA certificate file (PEM), for example /etc/meshdeck/ca.pem</source>
        <translation>CA certificate file (PEM), for example /etc/meshdeck/ca.pem</translation>
    </message>
    <message>
        <source>CA file path</source>
        <translation>CA file path</translation>
    </message>
    <message>
        <source>Pin: base64 SHA-256 of the public key</source>
        <translation>Pin: base64 SHA-256 of the public key</translation>
    </message>
    <message>
        <source>Pinned key</source>
        <translation>Pinned key</translation>
    </message>
    <message>
        <source>Backup pin (optional, for a planned key change)</source>
        <translation>Backup pin (optional, for a planned key change)</translation>
    </message>
    <message>
        <source>Backup pin</source>
        <translation>Backup pin</translation>
    </message>
    <message>
        <source>Admin token</source>
        <translation>Admin token</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API key</translation>
    </message>
    <message>
        <source>Credential kind</source>
        <translation>Credential kind</translation>
    </message>
    <message>
        <source>The token or key (kept in the OS keychain)</source>
        <translation>The token or key (kept in the OS keychain)</translation>
    </message>
    <message>
        <source>Leave empty to keep the stored credential</source>
        <translation>Leave empty to keep the stored credential</translation>
    </message>
    <message>
        <source>Credential</source>
        <translation>Credential</translation>
    </message>
    <message>
        <source>Remove %1 and delete its credential from the keychain?</source>
        <translation>Remove %1 and delete its credential from the keychain?</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>Save the profile</source>
        <translation>Save the profile</translation>
    </message>
    <message>
        <source>Attach</source>
        <translation>Attach</translation>
    </message>
    <message>
        <source>Attach to this cluster</source>
        <translation>Attach to this cluster</translation>
    </message>
    <message>
        <source>Remove it</source>
        <translation>Remove it</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>Remove…</translation>
    </message>
    <message>
        <source>Confirm removing this profile</source>
        <translation>Confirm removing this profile</translation>
    </message>
    <message>
        <source>Remove this profile</source>
        <translation>Remove this profile</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Close the cluster profiles</source>
        <translation>Close the cluster profiles</translation>
    </message>
    <message>
        <source>Saved. Attach to sign in.</source>
        <translation>Saved. Attach to sign in.</translation>
    </message>
    <message>
        <source>Email and password (sign in)</source>
        <translation>Email and password (sign in)</translation>
    </message>
    <message>
        <source>Email address you sign in with</source>
        <translation>Email address you sign in with</translation>
    </message>
    <message>
        <source>Email address for signing in</source>
        <translation>Email address for signing in</translation>
    </message>
    <message>
        <source>You sign in when you attach; the password is never stored. The session is kept in the OS keychain until you sign out.</source>
        <translation>You sign in when you attach; the password is never stored. The session is kept in the OS keychain until you sign out.</translation>
    </message>
</context>
<context>
    <name>ConfirmDialog</name>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>DeploymentsListTab</name>
    <message>
        <source>Choose a site to see its deployments.</source>
        <translation>Choose a site to see its deployments.</translation>
    </message>
    <message>
        <source>Deploy from</source>
        <translation>Deploy from</translation>
    </message>
    <message>
        <source>Git repository</source>
        <translation>Git repository</translation>
    </message>
    <message>
        <source>.tar.gz archive</source>
        <translation>.tar.gz archive</translation>
    </message>
    <message>
        <source>Local directory</source>
        <translation>Local directory</translation>
    </message>
    <message>
        <source>https://git.example.com/team/site.git</source>
        <translation>https://git.example.com/team/site.git</translation>
    </message>
    <message>
        <source>/path/to/site.tar.gz</source>
        <translation>/path/to/site.tar.gz</translation>
    </message>
    <message>
        <source>/path/to/site</source>
        <translation>/path/to/site</translation>
    </message>
    <message>
        <source>Git repository URL</source>
        <translation>Git repository URL</translation>
    </message>
    <message>
        <source>Archive file</source>
        <translation>Archive file</translation>
    </message>
    <message>
        <source>Directory</source>
        <translation>Directory</translation>
    </message>
    <message>
        <source>main</source>
        <translation>main</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>Branch</translation>
    </message>
    <message>
        <source>Deploy</source>
        <translation>Deploy</translation>
    </message>
    <message>
        <source>No deployments yet: deploy from a git repository or an archive.</source>
        <translation>No deployments yet: deploy from a git repository or an archive.</translation>
    </message>
    <message>
        <source>Retry loading the deployments</source>
        <translation>Retry loading the deployments</translation>
    </message>
    <message>
        <source>Deployments</source>
        <translation>Deployments</translation>
    </message>
    <message>
        <source>Deployment %1, %2%3</source>
        <translation>Deployment %1, %2%3</translation>
    </message>
    <message>
        <source>, live</source>
        <translation>, live</translation>
    </message>
    <message>
        <source>LIVE</source>
        <translation>LIVE</translation>
    </message>
    <message>
        <source>Activate</source>
        <translation>Activate</translation>
    </message>
    <message>
        <source>Activate %1</source>
        <translation>Activate %1</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Cancel %1</source>
        <translation>Cancel %1</translation>
    </message>
    <message>
        <source>Redeploy</source>
        <translation>Redeploy</translation>
    </message>
    <message>
        <source>Redeploy %1</source>
        <translation>Redeploy %1</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Delete %1</source>
        <translation>Delete %1</translation>
    </message>
    <message>
        <source>Build log of %1</source>
        <translation>Build log of %1</translation>
    </message>
    <message>
        <source>Activate %1?</source>
        <translation>Activate %1?</translation>
    </message>
    <message>
        <source>Cancel %1?</source>
        <translation>Cancel %1?</translation>
    </message>
    <message>
        <source>Redeploy %1?</source>
        <translation>Redeploy %1?</translation>
    </message>
    <message>
        <source>Delete %1?</source>
        <translation>Delete %1?</translation>
    </message>
    <message>
        <source>Cancel the build</source>
        <translation>Cancel the build</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>Choose the archive file</source>
        <translation>Choose the archive file</translation>
    </message>
    <message>
        <source>Choose the directory</source>
        <translation>Choose the directory</translation>
    </message>
    <message>
        <source>Choose the archive to deploy</source>
        <translation>Choose the archive to deploy</translation>
    </message>
    <message>
        <source>Gzip tarballs (*.tar.gz *.tgz)</source>
        <translation>Gzip tarballs (*.tar.gz *.tgz)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>All files (*)</translation>
    </message>
    <message>
        <source>Choose the directory to deploy</source>
        <translation>Choose the directory to deploy</translation>
    </message>
</context>
<context>
    <name>DeploymentsLogView</name>
    <message>
        <source>%1 of %2 lines</source>
        <translation>%1 of %2 lines</translation>
    </message>
    <message>
        <source>%1 lines</source>
        <translation>%1 lines</translation>
    </message>
    <message>
        <source>Regular expression</source>
        <translation>Regular expression</translation>
    </message>
    <message>
        <source>Filter lines</source>
        <translation>Filter lines</translation>
    </message>
    <message>
        <source>Filter the log</source>
        <translation>Filter the log</translation>
    </message>
    <message>
        <source>Regex</source>
        <translation>Regex</translation>
    </message>
    <message>
        <source>Filter with a regular expression</source>
        <translation>Filter with a regular expression</translation>
    </message>
    <message>
        <source>First error</source>
        <translation>First error</translation>
    </message>
    <message>
        <source>Jump to the first error</source>
        <translation>Jump to the first error</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>Copy the shown lines</source>
        <translation>Copy the shown lines</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Save…</translation>
    </message>
    <message>
        <source>Save the log</source>
        <translation>Save the log</translation>
    </message>
    <message>
        <source>Build log lines</source>
        <translation>Build log lines</translation>
    </message>
    <message numerus="yes">
        <source>%n new line(s)</source>
        <translation>
            <numerusform>%n new line</numerusform>
            <numerusform>%n new lines</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Follow the log: %n new line(s)</source>
        <translation>
            <numerusform>Follow the log: %n new line</numerusform>
            <numerusform>Follow the log: %n new lines</numerusform>
        </translation>
    </message>
    <message>
        <source>/path/to/build.log</source>
        <translation>/path/to/build.log</translation>
    </message>
    <message>
        <source>File to save the log to</source>
        <translation>File to save the log to</translation>
    </message>
</context>
<context>
    <name>DeploymentsPage</name>
    <message>
        <source>Deployments</source>
        <translation>Deployments</translation>
    </message>
    <message>
        <source>Sites, their immutable deployments and build logs, and the build queue.</source>
        <translation>Sites, their immutable deployments and build logs, and the build queue.</translation>
    </message>
    <message>
        <source>No sites yet. Create one to deploy to it.</source>
        <translation>No sites yet. Create one to deploy to it.</translation>
    </message>
    <message>
        <source>Retry loading the sites</source>
        <translation>Retry loading the sites</translation>
    </message>
    <message>
        <source>Sites</source>
        <translation>Sites</translation>
    </message>
    <message>
        <source>Site %1, serving %2</source>
        <translation>Site %1, serving %2</translation>
    </message>
    <message>
        <source>Site %1, nothing live</source>
        <translation>Site %1, nothing live</translation>
    </message>
    <message>
        <source>%1 · live %2</source>
        <translation>%1 · live %2</translation>
    </message>
    <message>
        <source>%1 · nothing live</source>
        <translation>%1 · nothing live</translation>
    </message>
    <message>
        <source>New site…</source>
        <translation>New site…</translation>
    </message>
    <message>
        <source>Create a site</source>
        <translation>Create a site</translation>
    </message>
    <message>
        <source>Deployments sections</source>
        <translation>Deployments sections</translation>
    </message>
    <message>
        <source>Variables</source>
        <translation>Variables</translation>
    </message>
    <message>
        <source>Queue and workers</source>
        <translation>Queue and workers</translation>
    </message>
    <message>
        <source>New site</source>
        <translation>New site</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Site name</source>
        <translation>Site name</translation>
    </message>
    <message>
        <source>docs</source>
        <translation>docs</translation>
    </message>
    <message>
        <source>Framework</source>
        <translation>Framework</translation>
    </message>
    <message>
        <source>detected when empty</source>
        <translation>detected when empty</translation>
    </message>
    <message>
        <source>Build command</source>
        <translation>Build command</translation>
    </message>
    <message>
        <source>npm run build</source>
        <translation>npm run build</translation>
    </message>
    <message>
        <source>Output directory</source>
        <translation>Output directory</translation>
    </message>
    <message>
        <source>dist</source>
        <translation>dist</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Create</translation>
    </message>
    <message>
        <source>Create the site</source>
        <translation>Create the site</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Cancel creating the site</source>
        <translation>Cancel creating the site</translation>
    </message>
</context>
<context>
    <name>DeploymentsQueueTab</name>
    <message>
        <source>Nothing is queued or building.</source>
        <translation>Nothing is queued or building.</translation>
    </message>
    <message>
        <source>Retry loading the build queue</source>
        <translation>Retry loading the build queue</translation>
    </message>
    <message>
        <source>Build queue</source>
        <translation>Build queue</translation>
    </message>
    <message>
        <source>on %1</source>
        <translation>on %1</translation>
    </message>
    <message>
        <source>waiting for a worker</source>
        <translation>waiting for a worker</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>Workers</translation>
    </message>
    <message>
        <source>No build worker is registered: builds wait until one is.</source>
        <translation>No build worker is registered: builds wait until one is.</translation>
    </message>
    <message>
        <source>Retry loading the build workers</source>
        <translation>Retry loading the build workers</translation>
    </message>
    <message>
        <source>Build workers</source>
        <translation>Build workers</translation>
    </message>
    <message>
        <source>building %1 of %2: %3</source>
        <translation>building %1 of %2: %3</translation>
    </message>
    <message>
        <source>idle (0 of %1)</source>
        <translation>idle (0 of %1)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Builds</source>
        <translation>Builds</translation>
    </message>
</context>
<context>
    <name>DeploymentsStatusBadge</name>
    <message>
        <source>Ready</source>
        <translation>Ready</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>Building</source>
        <translation>Building</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Queued</translation>
    </message>
    <message>
        <source>Canceled</source>
        <translation>Canceled</translation>
    </message>
</context>
<context>
    <name>DeploymentsVariablesTab</name>
    <message>
        <source>Choose a site to see its variables.</source>
        <translation>Choose a site to see its variables.</translation>
    </message>
    <message>
        <source>No variables: builds see only their own environment.</source>
        <translation>No variables: builds see only their own environment.</translation>
    </message>
    <message>
        <source>Retry loading the variables</source>
        <translation>Retry loading the variables</translation>
    </message>
    <message>
        <source>Variables</source>
        <translation>Variables</translation>
    </message>
    <message>
        <source>%1: secret, hidden</source>
        <translation>%1: secret, hidden</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>secret</source>
        <translation>secret</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Delete the variable %1</source>
        <translation>Delete the variable %1</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NAME</translation>
    </message>
    <message>
        <source>Variable name</source>
        <translation>Variable name</translation>
    </message>
    <message>
        <source>value</source>
        <translation>value</translation>
    </message>
    <message>
        <source>Variable value</source>
        <translation>Variable value</translation>
    </message>
    <message>
        <source>Secret</source>
        <translation>Secret</translation>
    </message>
    <message>
        <source>Secret: the value can be written, never read back</source>
        <translation>Secret: the value can be written, never read back</translation>
    </message>
    <message>
        <source>Set</source>
        <translation>Set</translation>
    </message>
    <message>
        <source>Set the variable</source>
        <translation>Set the variable</translation>
    </message>
</context>
<context>
    <name>EventsPage</name>
    <message>
        <source>Events</source>
        <translation>Events</translation>
    </message>
    <message>
        <source>Live tail of %1</source>
        <translation>Live tail of %1</translation>
    </message>
    <message>
        <source>Topics and their live tails</source>
        <translation>Topics and their live tails</translation>
    </message>
    <message>
        <source>Topics</source>
        <translation>Topics</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>No topics yet. Create one with POST /v1/events/topics.</source>
        <translation>No topics yet. Create one with POST /v1/events/topics.</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>Live</translation>
    </message>
    <message>
        <source>Not live</source>
        <translation>Not live</translation>
    </message>
    <message>
        <source>Filter by type, key or text</source>
        <translation>Filter by type, key or text</translation>
    </message>
    <message>
        <source>Following</source>
        <translation>Following</translation>
    </message>
    <message numerus="yes">
        <source>%n new</source>
        <translation>
            <numerusform>%n new</numerusform>
            <numerusform>%n new</numerusform>
        </translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Paused</translation>
    </message>
    <message>
        <source>Select a topic to tail it.</source>
        <translation>Select a topic to tail it.</translation>
    </message>
    <message>
        <source>No event matches the filter.</source>
        <translation>No event matches the filter.</translation>
    </message>
    <message>
        <source>Waiting for events on %1…</source>
        <translation>Waiting for events on %1…</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Event</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>Select an event to see its payload.</source>
        <translation>Select an event to see its payload.</translation>
    </message>
    <message>
        <source>type, e.g. test.ping</source>
        <translation>type, e.g. test.ping</translation>
    </message>
    <message>
        <source>data as JSON, e.g. {&quot;hello&quot;: &quot;world&quot;}</source>
        <translation>data as JSON, e.g. {&quot;hello&quot;: &quot;world&quot;}</translation>
    </message>
    <message>
        <source>Publish test event</source>
        <translation>Publish test event</translation>
    </message>
    <message>
        <source>Publish</source>
        <translation>Publish</translation>
    </message>
    <message>
        <source>Seek and replay</source>
        <translation>Seek and replay</translation>
    </message>
    <message>
        <source>Consumer groups (%1)</source>
        <translation>Consumer groups (%1)</translation>
    </message>
    <message>
        <source>Webhooks (%1)</source>
        <translation>Webhooks (%1)</translation>
    </message>
    <message>
        <source>Seek to offset</source>
        <translation>Seek to offset</translation>
    </message>
    <message>
        <source>Seek</source>
        <translation>Seek</translation>
    </message>
    <message>
        <source>Replay offsets</source>
        <translation>Replay offsets</translation>
    </message>
    <message>
        <source>up to</source>
        <translation>up to</translation>
    </message>
    <message>
        <source>into</source>
        <translation>into</translation>
    </message>
    <message>
        <source>target topic</source>
        <translation>target topic</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>Replay</translation>
    </message>
    <message>
        <source>No consumer group reads this topic yet.</source>
        <translation>No consumer group reads this topic yet.</translation>
    </message>
    <message>
        <source>Send test</source>
        <translation>Send test</translation>
    </message>
    <message>
        <source>No webhook delivers this topic. Add one with POST /v1/events/webhooks.</source>
        <translation>No webhook delivers this topic. Add one with POST /v1/events/webhooks.</translation>
    </message>
    <message>
        <source>or to a time</source>
        <translation>or to a time</translation>
    </message>
    <message>
        <source>2026-11-21 10:00</source>
        <translation>2026-11-21 10:00</translation>
    </message>
    <message>
        <source>Refresh the topics</source>
        <translation>Refresh the topics</translation>
    </message>
    <message>
        <source>Topic %1: %2</source>
        <translation>Topic %1: %2</translation>
    </message>
    <message>
        <source>Retry loading the topics</source>
        <translation>Retry loading the topics</translation>
    </message>
    <message>
        <source>Filter the tail</source>
        <translation>Filter the tail</translation>
    </message>
    <message>
        <source>Text, or a field test such as data.user.id == 42</source>
        <translation>Text, or a field test such as data.user.id == 42</translation>
    </message>
    <message>
        <source>Follow new events</source>
        <translation>Follow new events</translation>
    </message>
    <message>
        <source>Events of %1</source>
        <translation>Events of %1</translation>
    </message>
    <message>
        <source>Event %1, %2, key %3</source>
        <translation>Event %1, %2, key %3</translation>
    </message>
    <message>
        <source>Close the event</source>
        <translation>Close the event</translation>
    </message>
    <message>
        <source>Copy the event&apos;s JSON</source>
        <translation>Copy the event&apos;s JSON</translation>
    </message>
    <message>
        <source>Event payload</source>
        <translation>Event payload</translation>
    </message>
    <message>
        <source>Event tools</source>
        <translation>Event tools</translation>
    </message>
    <message>
        <source>Consumer groups (not loaded)</source>
        <translation>Consumer groups (not loaded)</translation>
    </message>
    <message>
        <source>Webhooks (not loaded)</source>
        <translation>Webhooks (not loaded)</translation>
    </message>
    <message>
        <source>Event type</source>
        <translation>Event type</translation>
    </message>
    <message>
        <source>Event data as JSON</source>
        <translation>Event data as JSON</translation>
    </message>
    <message>
        <source>Offset to seek to</source>
        <translation>Offset to seek to</translation>
    </message>
    <message>
        <source>Seek to the offset</source>
        <translation>Seek to the offset</translation>
    </message>
    <message>
        <source>Time to seek to</source>
        <translation>Time to seek to</translation>
    </message>
    <message>
        <source>Seek to the time</source>
        <translation>Seek to the time</translation>
    </message>
    <message>
        <source>Replay from offset</source>
        <translation>Replay from offset</translation>
    </message>
    <message>
        <source>Replay up to offset</source>
        <translation>Replay up to offset</translation>
    </message>
    <message>
        <source>Replay into topic</source>
        <translation>Replay into topic</translation>
    </message>
    <message>
        <source>Replay the offsets into the topic</source>
        <translation>Replay the offsets into the topic</translation>
    </message>
    <message>
        <source>Consumer groups of %1</source>
        <translation>Consumer groups of %1</translation>
    </message>
    <message>
        <source>Group %1: %2</source>
        <translation>Group %1: %2</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Retry loading the consumer groups</source>
        <translation>Retry loading the consumer groups</translation>
    </message>
    <message>
        <source>Webhooks of %1</source>
        <translation>Webhooks of %1</translation>
    </message>
    <message>
        <source>Deliveries</source>
        <translation>Deliveries</translation>
    </message>
    <message>
        <source>Show the deliveries to %1</source>
        <translation>Show the deliveries to %1</translation>
    </message>
    <message>
        <source>Send a test event to %1</source>
        <translation>Send a test event to %1</translation>
    </message>
    <message>
        <source>Retry loading the webhooks</source>
        <translation>Retry loading the webhooks</translation>
    </message>
    <message>
        <source>Deliveries of the webhook</source>
        <translation>Deliveries of the webhook</translation>
    </message>
    <message>
        <source>This webhook has no delivery yet.</source>
        <translation>This webhook has no delivery yet.</translation>
    </message>
    <message>
        <source>Retry loading the deliveries</source>
        <translation>Retry loading the deliveries</translation>
    </message>
    <message>
        <source>Loading the tail…</source>
        <translation>Loading the tail…</translation>
    </message>
    <message>
        <source>Replay: %1</source>
        <translation>Replay: %1</translation>
    </message>
    <message>
        <source>Test deliveries: %1</source>
        <translation>Test deliveries: %1</translation>
    </message>
</context>
<context>
    <name>GatewayAccessLogTab</name>
    <message>
        <source>Filter the access log by route</source>
        <translation>Filter the access log by route</translation>
    </message>
    <message>
        <source>Any route</source>
        <translation>Any route</translation>
    </message>
    <message>
        <source>Filter the access log by status</source>
        <translation>Filter the access log by status</translation>
    </message>
    <message>
        <source>Request id</source>
        <translation>Request id</translation>
    </message>
    <message>
        <source>Filter the access log by request id</source>
        <translation>Filter the access log by request id</translation>
    </message>
    <message>
        <source>%1 of %2 entries</source>
        <translation>%1 of %2 entries</translation>
    </message>
    <message>
        <source>Gateway access log</source>
        <translation>Gateway access log</translation>
    </message>
    <message>
        <source>%1, request %2</source>
        <translation>%1, request %2</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Events</translation>
    </message>
    <message>
        <source>Events with request id %1</source>
        <translation>Events with request id %1</translation>
    </message>
    <message>
        <source>Instance</source>
        <translation>Instance</translation>
    </message>
    <message>
        <source>Show the instance that answered request %1 on the Services page</source>
        <translation>Show the instance that answered request %1 on the Services page</translation>
    </message>
    <message>
        <source>No entry matches the filter.</source>
        <translation>No entry matches the filter.</translation>
    </message>
    <message>
        <source>No request logged yet. The gateway logs every error and a sample of the other requests here.</source>
        <translation>No request logged yet. The gateway logs every error and a sample of the other requests here.</translation>
    </message>
    <message>
        <source>Retry reading the access log</source>
        <translation>Retry reading the access log</translation>
    </message>
</context>
<context>
    <name>GatewayChart</name>
    <message>
        <source>No traffic on this route in this range yet.</source>
        <translation>No traffic on this route in this range yet.</translation>
    </message>
    <message>
        <source>Retry loading the chart %1</source>
        <translation>Retry loading the chart %1</translation>
    </message>
</context>
<context>
    <name>GatewayPage</name>
    <message>
        <source>Gateway</source>
        <translation>Gateway</translation>
    </message>
    <message>
        <source>Live: %1</source>
        <translation>Live: %1</translation>
    </message>
    <message>
        <source>Not live; refreshed every few seconds: %1</source>
        <translation>Not live; refreshed every few seconds: %1</translation>
    </message>
    <message>
        <source>Waiting for the gateway…</source>
        <translation>Waiting for the gateway…</translation>
    </message>
    <message>
        <source>Traffic enters the gateway at %1</source>
        <translation>Traffic enters the gateway at %1</translation>
    </message>
    <message>
        <source>Rate limits: Redis is not reachable, so each node enforces its share locally. %1</source>
        <translation>Rate limits: Redis is not reachable, so each node enforces its share locally. %1</translation>
    </message>
    <message>
        <source>This backend has no gateway: it answered that /v1/gateway/overview does not exist. A meshdeckd with the gateway shows its routes, numbers and breakers here.</source>
        <translation>This backend has no gateway: it answered that /v1/gateway/overview does not exist. A meshdeckd with the gateway shows its routes, numbers and breakers here.</translation>
    </message>
    <message>
        <source>Gateway sections</source>
        <translation>Gateway sections</translation>
    </message>
    <message>
        <source>Routes</source>
        <translation>Routes</translation>
    </message>
    <message>
        <source>Access log</source>
        <translation>Access log</translation>
    </message>
</context>
<context>
    <name>GatewayRouteEditor</name>
    <message>
        <source>New route</source>
        <translation>New route</translation>
    </message>
    <message>
        <source>Edit route %1 (version %2)</source>
        <translation>Edit route %1 (version %2)</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Preview</translation>
    </message>
    <message>
        <source>Preview the change</source>
        <translation>Preview the change</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Create</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>Save the route</source>
        <translation>Save the route</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Cancel editing the route</source>
        <translation>Cancel editing the route</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Reload</translation>
    </message>
    <message>
        <source>Reload the route</source>
        <translation>Reload the route</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>billing</source>
        <translation>billing</translation>
    </message>
    <message>
        <source>Route name</source>
        <translation>Route name</translation>
    </message>
    <message>
        <source>Path prefix</source>
        <translation>Path prefix</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>any host</source>
        <translation>any host</translation>
    </message>
    <message>
        <source>Host (empty: any host)</source>
        <translation>Host (empty: any host)</translation>
    </message>
    <message>
        <source>Methods</source>
        <translation>Methods</translation>
    </message>
    <message>
        <source>any method; or GET, POST</source>
        <translation>any method; or GET, POST</translation>
    </message>
    <message>
        <source>Methods (comma separated; empty: any method)</source>
        <translation>Methods (comma separated; empty: any method)</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>a service of the registry</source>
        <translation>a service of the registry</translation>
    </message>
    <message>
        <source>Target service</source>
        <translation>Target service</translation>
    </message>
    <message>
        <source>Prefix</source>
        <translation>Prefix</translation>
    </message>
    <message>
        <source>Strip the prefix before forwarding</source>
        <translation>Strip the prefix before forwarding</translation>
    </message>
    <message>
        <source>Timeout (ms)</source>
        <translation>Timeout (ms)</translation>
    </message>
    <message>
        <source>Timeout in milliseconds</source>
        <translation>Timeout in milliseconds</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Retries</translation>
    </message>
    <message>
        <source>Retries (idempotent requests, on another instance)</source>
        <translation>Retries (idempotent requests, on another instance)</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Authentication</translation>
    </message>
    <message>
        <source>Authentication at the edge</source>
        <translation>Authentication at the edge</translation>
    </message>
    <message>
        <source>None</source>
        <translation>None</translation>
    </message>
    <message>
        <source>Required (a token or an API key)</source>
        <translation>Required (a token or an API key)</translation>
    </message>
    <message>
        <source>Rate limit</source>
        <translation>Rate limit</translation>
    </message>
    <message>
        <source>Limit each consumer&apos;s requests</source>
        <translation>Limit each consumer&apos;s requests</translation>
    </message>
    <message>
        <source>Rate limit: requests</source>
        <translation>Rate limit: requests</translation>
    </message>
    <message>
        <source>requests per</source>
        <translation>requests per</translation>
    </message>
    <message>
        <source>Rate limit: per seconds</source>
        <translation>Rate limit: per seconds</translation>
    </message>
    <message>
        <source>s, by</source>
        <translation>s, by</translation>
    </message>
    <message>
        <source>Rate limit: consumer</source>
        <translation>Rate limit: consumer</translation>
    </message>
    <message>
        <source>client address</source>
        <translation>client address</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API key</translation>
    </message>
    <message>
        <source>user</source>
        <translation>user</translation>
    </message>
    <message>
        <source>CORS origins</source>
        <translation>CORS origins</translation>
    </message>
    <message>
        <source>none (no CORS headers); or https://app.example.test</source>
        <translation>none (no CORS headers); or https://app.example.test</translation>
    </message>
    <message>
        <source>CORS origins (comma separated; empty: no CORS)</source>
        <translation>CORS origins (comma separated; empty: no CORS)</translation>
    </message>
    <message>
        <source>Allow credentials (cookies) from these origins</source>
        <translation>Allow credentials (cookies) from these origins</translation>
    </message>
    <message>
        <source>CORS: allow credentials</source>
        <translation>CORS: allow credentials</translation>
    </message>
    <message>
        <source>Load balancing</source>
        <translation>Load balancing</translation>
    </message>
    <message>
        <source>Round robin</source>
        <translation>Round robin</translation>
    </message>
    <message>
        <source>Weighted (the registry&apos;s weights)</source>
        <translation>Weighted (the registry&apos;s weights)</translation>
    </message>
    <message>
        <source>Least outstanding requests</source>
        <translation>Least outstanding requests</translation>
    </message>
    <message>
        <source>Circuit breaker</source>
        <translation>Circuit breaker</translation>
    </message>
    <message>
        <source>opens after</source>
        <translation>opens after</translation>
    </message>
    <message>
        <source>Breaker: consecutive failures before it opens</source>
        <translation>Breaker: consecutive failures before it opens</translation>
    </message>
    <message>
        <source>failures, cools down</source>
        <translation>failures, cools down</translation>
    </message>
    <message>
        <source>Breaker: cool-down in milliseconds</source>
        <translation>Breaker: cool-down in milliseconds</translation>
    </message>
    <message>
        <source>ms, probes</source>
        <translation>ms, probes</translation>
    </message>
    <message>
        <source>Breaker: half-open probe requests</source>
        <translation>Breaker: half-open probe requests</translation>
    </message>
    <message>
        <source>Preview: what saving does</source>
        <translation>Preview: what saving does</translation>
    </message>
    <message>
        <source>Preview: this route would be refused (see the fields)</source>
        <translation>Preview: this route would be refused (see the fields)</translation>
    </message>
    <message>
        <source>A new route.</source>
        <translation>A new route.</translation>
    </message>
    <message>
        <source>Nothing changes.</source>
        <translation>Nothing changes.</translation>
    </message>
    <message>
        <source>Largest body (KiB)</source>
        <translation>Largest body (KiB)</translation>
    </message>
    <message>
        <source>Largest request body in KiB</source>
        <translation>Largest request body in KiB</translation>
    </message>
    <message>
        <source>Access log sample (%)</source>
        <translation>Access log sample (%)</translation>
    </message>
    <message>
        <source>server default</source>
        <translation>server default</translation>
    </message>
    <message>
        <source>Share of answers written to the access log, in percent</source>
        <translation>Share of answers written to the access log, in percent</translation>
    </message>
    <message>
        <source>5xx answers and the gateway&apos;s refusals are always logged. Empty: the server&apos;s --gateway-access-log-sample.</source>
        <translation>5xx answers and the gateway&apos;s refusals are always logged. Empty: the server&apos;s --gateway-access-log-sample.</translation>
    </message>
    <message>
        <source>methods %1</source>
        <translation>methods %1</translation>
    </message>
    <message>
        <source>request headers %1</source>
        <translation>request headers %1</translation>
    </message>
    <message>
        <source>exposed headers %1</source>
        <translation>exposed headers %1</translation>
    </message>
    <message>
        <source>preflight cached %1 s</source>
        <translation>preflight cached %1 s</translation>
    </message>
    <message>
        <source>Kept as stored when saved (the API sets these): %1</source>
        <translation>Kept as stored when saved (the API sets these): %1</translation>
    </message>
    <message>
        <source>No origins: saving removes the route&apos;s CORS policy, whatever the API set in it.</source>
        <translation>No origins: saving removes the route&apos;s CORS policy, whatever the API set in it.</translation>
    </message>
</context>
<context>
    <name>GatewayRouteHistory</name>
    <message>
        <source>History of route %1</source>
        <translation>History of route %1</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Close the history</source>
        <translation>Close the history</translation>
    </message>
    <message>
        <source>Versions of %1</source>
        <translation>Versions of %1</translation>
    </message>
    <message>
        <source>v%1</source>
        <translation>v%1</translation>
    </message>
    <message>
        <source>%1 %2 by %3</source>
        <translation>%1 %2 by %3</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Restore</translation>
    </message>
    <message>
        <source>Restore version %1</source>
        <translation>Restore version %1</translation>
    </message>
    <message>
        <source>No version recorded.</source>
        <translation>No version recorded.</translation>
    </message>
    <message>
        <source>Retry loading the history</source>
        <translation>Retry loading the history</translation>
    </message>
</context>
<context>
    <name>GatewayRoutesTab</name>
    <message numerus="yes">
        <source>%n route(s)</source>
        <translation>
            <numerusform>%n route</numerusform>
            <numerusform>%n routes</numerusform>
        </translation>
    </message>
    <message>
        <source>New route…</source>
        <translation>New route…</translation>
    </message>
    <message>
        <source>Create a route</source>
        <translation>Create a route</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>Refresh the gateway</source>
        <translation>Refresh the gateway</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Match</source>
        <translation>Match</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>Rate</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Errors</translation>
    </message>
    <message>
        <source>p50 / p95 / p99</source>
        <translation>p50 / p95 / p99</translation>
    </message>
    <message>
        <source>Gateway p99</source>
        <translation>Gateway p99</translation>
    </message>
    <message>
        <source>Limited (5 min)</source>
        <translation>Limited (5 min)</translation>
    </message>
    <message>
        <source>Busiest consumer</source>
        <translation>Busiest consumer</translation>
    </message>
    <message>
        <source>Breakers</source>
        <translation>Breakers</translation>
    </message>
    <message>
        <source>Gateway routes</source>
        <translation>Gateway routes</translation>
    </message>
    <message>
        <source>Route %1 to %2: %3, %4 errors, p50/p95/p99 %5, breakers %6</source>
        <translation>Route %1 to %2: %3, %4 errors, p50/p95/p99 %5, breakers %6</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unknown</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>No route yet. A route sends the gateway&apos;s traffic for a path prefix (and optionally a host and methods) to a service of the registry.</source>
        <translation>No route yet. A route sends the gateway&apos;s traffic for a path prefix (and optionally a host and methods) to a service of the registry.</translation>
    </message>
    <message>
        <source>Retry loading the gateway&apos;s routes</source>
        <translation>Retry loading the gateway&apos;s routes</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <source>Edit route %1</source>
        <translation>Edit route %1</translation>
    </message>
    <message>
        <source>History…</source>
        <translation>History…</translation>
    </message>
    <message>
        <source>History of route %1</source>
        <translation>History of route %1</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Delete…</translation>
    </message>
    <message>
        <source>Delete route %1</source>
        <translation>Delete route %1</translation>
    </message>
    <message>
        <source>Range</source>
        <translation>Range</translation>
    </message>
    <message>
        <source>Chart range</source>
        <translation>Chart range</translation>
    </message>
    <message>
        <source>Requests per second</source>
        <translation>Requests per second</translation>
    </message>
    <message>
        <source>requests/s</source>
        <translation>requests/s</translation>
    </message>
    <message>
        <source>Errors (%)</source>
        <translation>Errors (%)</translation>
    </message>
    <message>
        <source>errors %</source>
        <translation>errors %</translation>
    </message>
    <message>
        <source>Latency (ms)</source>
        <translation>Latency (ms)</translation>
    </message>
    <message>
        <source>p50</source>
        <translation>p50</translation>
    </message>
    <message>
        <source>p95</source>
        <translation>p95</translation>
    </message>
    <message>
        <source>p99</source>
        <translation>p99</translation>
    </message>
    <message>
        <source>gateway p99</source>
        <translation>gateway p99</translation>
    </message>
    <message>
        <source>Instances and their circuit breakers</source>
        <translation>Instances and their circuit breakers</translation>
    </message>
    <message>
        <source>Instances of %1</source>
        <translation>Instances of %1</translation>
    </message>
    <message>
        <source>%1 since %2</source>
        <translation>%1 since %2</translation>
    </message>
    <message>
        <source>Breaker of %1: %2</source>
        <translation>Breaker of %1: %2</translation>
    </message>
    <message>
        <source>%1 in flight · %2 failures in a row</source>
        <translation>%1 in flight · %2 failures in a row</translation>
    </message>
    <message>
        <source>Show in Services</source>
        <translation>Show in Services</translation>
    </message>
    <message>
        <source>Show %1 on the Services page</source>
        <translation>Show %1 on the Services page</translation>
    </message>
    <message>
        <source>Reset…</source>
        <translation>Reset…</translation>
    </message>
    <message>
        <source>Reset the breaker of %1</source>
        <translation>Reset the breaker of %1</translation>
    </message>
    <message>
        <source>The gateway has no instance of this route&apos;s service to send requests to.</source>
        <translation>The gateway has no instance of this route&apos;s service to send requests to.</translation>
    </message>
    <message>
        <source>Retry loading the breakers</source>
        <translation>Retry loading the breakers</translation>
    </message>
    <message>
        <source>Delete route %1?</source>
        <translation>Delete route %1?</translation>
    </message>
    <message>
        <source>The gateway stops routing %1 at once: its requests go to a less specific route, or get 404 when none matches. Its numbers stop. The deletion is recorded as version %2 in its history, from where it can be restored.</source>
        <translation>The gateway stops routing %1 at once: its requests go to a less specific route, or get 404 when none matches. Its numbers stop. The deletion is recorded as version %2 in its history, from where it can be restored.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Reset the breaker of %1?</source>
        <translation>Reset the breaker of %1?</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>Reset</translation>
    </message>
</context>
<context>
    <name>GatewaySortHeader</name>
    <message>
        <source>%1, sorted ascending; sort descending</source>
        <translation>%1, sorted ascending; sort descending</translation>
    </message>
    <message>
        <source>%1, sorted descending; sort ascending</source>
        <translation>%1, sorted descending; sort ascending</translation>
    </message>
    <message>
        <source>Sort by %1</source>
        <translation>Sort by %1</translation>
    </message>
</context>
<context>
    <name>LagChart</name>
    <message>
        <source>Lag of %1</source>
        <translation>Lag of %1</translation>
    </message>
    <message>
        <source>No lag samples for %1 yet.</source>
        <translation>No lag samples for %1 yet.</translation>
    </message>
    <message>
        <source>Select a group to see its lag over the last hour.</source>
        <translation>Select a group to see its lag over the last hour.</translation>
    </message>
    <message>
        <source>Lag of %1 over the last hour</source>
        <translation>Lag of %1 over the last hour</translation>
    </message>
    <message>
        <source>Retry loading the lag of %1</source>
        <translation>Retry loading the lag of %1</translation>
    </message>
</context>
<context>
    <name>ListStatus</name>
    <message>
        <source>Retry</source>
        <translation>Retry</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Loading…</translation>
    </message>
</context>
<context>
    <name>LocalStackPage</name>
    <message>
        <source>Local stack</source>
        <translation>Local stack</translation>
    </message>
    <message>
        <source>meshdeckd running on this machine, started by the console</source>
        <translation>meshdeckd running on this machine, started by the console</translation>
    </message>
    <message>
        <source>The console is attached to a remote backend; the local stack is not in use.</source>
        <translation>The console is attached to a remote backend; the local stack is not in use.</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stop</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>Restart</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Process</translation>
    </message>
    <message>
        <source>pid %1</source>
        <translation>pid %1</translation>
    </message>
    <message>
        <source>Program</source>
        <translation>Program</translation>
    </message>
    <message>
        <source>Data directory</source>
        <translation>Data directory</translation>
    </message>
    <message>
        <source>No log lines yet. Start the local stack to see meshdeckd&apos;s log here.</source>
        <translation>No log lines yet. Start the local stack to see meshdeckd&apos;s log here.</translation>
    </message>
    <message>
        <source>Start the local stack</source>
        <translation>Start the local stack</translation>
    </message>
    <message>
        <source>Stop the local stack</source>
        <translation>Stop the local stack</translation>
    </message>
    <message>
        <source>Restart the local stack</source>
        <translation>Restart the local stack</translation>
    </message>
    <message>
        <source>meshdeckd log</source>
        <translation>meshdeckd log</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Sign in to %1</source>
        <translation>Sign in to %1</translation>
    </message>
    <message>
        <source>Email address</source>
        <translation>Email address</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Password</translation>
    </message>
    <message numerus="yes">
        <source>Too many sign-in attempts: try again in %n second(s).</source>
        <translation>
            <numerusform>Too many sign-in attempts: try again in %n second.</numerusform>
            <numerusform>Too many sign-in attempts: try again in %n seconds.</numerusform>
        </translation>
    </message>
    <message>
        <source>The password is sent once and never stored; the session is kept in the system keychain.</source>
        <translation>The password is sent once and never stored; the session is kept in the system keychain.</translation>
    </message>
    <message>
        <source>Use the local stack</source>
        <translation>Use the local stack</translation>
    </message>
    <message>
        <source>Leave this cluster and use the local stack</source>
        <translation>Leave this cluster and use the local stack</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Sign in</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Meshdeck</source>
        <translation>Meshdeck</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::AccessController</name>
    <message>
        <source>Admin</source>
        <translation>Admin</translation>
    </message>
    <message>
        <source>Developer</source>
        <translation>Developer</translation>
    </message>
    <message>
        <source>Support</source>
        <translation>Support</translation>
    </message>
    <message>
        <source>User (no console)</source>
        <translation>User (no console)</translation>
    </message>
    <message>
        <source>Any role</source>
        <translation>Any role</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Any status</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <source>Any outcome</source>
        <translation>Any outcome</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Denied</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>Never expires</source>
        <translation>Never expires</translation>
    </message>
    <message>
        <source>In 7 days</source>
        <translation>In 7 days</translation>
    </message>
    <message>
        <source>In 30 days</source>
        <translation>In 30 days</translation>
    </message>
    <message>
        <source>In 90 days</source>
        <translation>In 90 days</translation>
    </message>
    <message>
        <source>In a year</source>
        <translation>In a year</translation>
    </message>
    <message>
        <source>the admin token</source>
        <translation>the admin token</translation>
    </message>
    <message>
        <source>an API key</source>
        <translation>an API key</translation>
    </message>
    <message>
        <source>the API key %1</source>
        <translation>the API key %1</translation>
    </message>
    <message>
        <source>Could not read what you may do here: %1</source>
        <translation>Could not read what you may do here: %1</translation>
    </message>
    <message>
        <source>Could not load the permissions: %1</source>
        <translation>Could not load the permissions: %1</translation>
    </message>
    <message>
        <source>Could not load the users: %1</source>
        <translation>Could not load the users: %1</translation>
    </message>
    <message>
        <source>Give the user an email address.</source>
        <translation>Give the user an email address.</translation>
    </message>
    <message>
        <source>Created %1 (%2).</source>
        <translation>Created %1 (%2).</translation>
    </message>
    <message>
        <source>%1 can sign in again.</source>
        <translation>%1 can sign in again.</translation>
    </message>
    <message>
        <source>%1 is disabled: their sessions and API keys stop working.</source>
        <translation>%1 is disabled: their sessions and API keys stop working.</translation>
    </message>
    <message>
        <source>%1 is now %2.</source>
        <translation>%1 is now %2.</translation>
    </message>
    <message>
        <source>The password of %1 was reset; their sessions have ended.</source>
        <translation>The password of %1 was reset; their sessions have ended.</translation>
    </message>
    <message>
        <source>Could not load the sessions: %1</source>
        <translation>Could not load the sessions: %1</translation>
    </message>
    <message>
        <source>The session was revoked: that device must sign in again.</source>
        <translation>The session was revoked: that device must sign in again.</translation>
    </message>
    <message>
        <source>Every session was revoked: each device must sign in again.</source>
        <translation>Every session was revoked: each device must sign in again.</translation>
    </message>
    <message>
        <source>Could not load the teams: %1</source>
        <translation>Could not load the teams: %1</translation>
    </message>
    <message>
        <source>Give the team a name.</source>
        <translation>Give the team a name.</translation>
    </message>
    <message>
        <source>Created the team %1; you are its owner.</source>
        <translation>Created the team %1; you are its owner.</translation>
    </message>
    <message>
        <source>Could not load the members: %1</source>
        <translation>Could not load the members: %1</translation>
    </message>
    <message>
        <source>Pick a team and a user first.</source>
        <translation>Pick a team and a user first.</translation>
    </message>
    <message>
        <source>Added %1 to the team.</source>
        <translation>Added %1 to the team.</translation>
    </message>
    <message>
        <source>Removed from the team.</source>
        <translation>Removed from the team.</translation>
    </message>
    <message>
        <source>Pick a team and give an email address.</source>
        <translation>Pick a team and give an email address.</translation>
    </message>
    <message>
        <source>Could not load the API keys: %1</source>
        <translation>Could not load the API keys: %1</translation>
    </message>
    <message>
        <source>Give the key a name that says where it is used.</source>
        <translation>Give the key a name that says where it is used.</translation>
    </message>
    <message>
        <source>Pick at least one scope: a key without scopes can do nothing.</source>
        <translation>Pick at least one scope: a key without scopes can do nothing.</translation>
    </message>
    <message>
        <source>Revoked the key %1.</source>
        <translation>Revoked the key %1.</translation>
    </message>
    <message>
        <source>Pick a principal and an action.</source>
        <translation>Pick a principal and an action.</translation>
    </message>
    <message>
        <source>The simulator could not answer: %1</source>
        <translation>The simulator could not answer: %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a time: write it as 2026-11-30 14:05 or 2026-11-30.</source>
        <translation>&quot;%1&quot; is not a time: write it as 2026-11-30 14:05 or 2026-11-30.</translation>
    </message>
    <message>
        <source>Could not load the audit log: %1</source>
        <translation>Could not load the audit log: %1</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::AccessLogModel</name>
    <message>
        <source>%1 ms (gateway %2 ms, upstream %3 ms)</source>
        <translation>%1 ms (gateway %2 ms, upstream %3 ms)</translation>
    </message>
    <message>
        <source>%1 %2 %3 → %4 in %5 ms</source>
        <translation>%1 %2 %3 → %4 in %5 ms</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::ApiClient</name>
    <message>
        <source>%1 (HTTP %2)</source>
        <translation>%1 (HTTP %2)</translation>
    </message>
    <message>
        <source>The backend answered HTTP %1.</source>
        <translation>The backend answered HTTP %1.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::ApiKeysModel</name>
    <message>
        <source>Never expires</source>
        <translation>Never expires</translation>
    </message>
    <message>
        <source>Never used</source>
        <translation>Never used</translation>
    </message>
    <message>
        <source>%1 from %2</source>
        <translation>%1 from %2</translation>
    </message>
    <message>
        <source>Revoked %1</source>
        <translation>Revoked %1</translation>
    </message>
    <message>
        <source>Expired %1</source>
        <translation>Expired %1</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Active</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::AppSettings</name>
    <message>
        <source>System language</source>
        <translation>System language</translation>
    </message>
    <message>
        <source>Notify while the console is in the background</source>
        <translation>Notify while the console is in the background</translation>
    </message>
    <message>
        <source>Always notify</source>
        <translation>Always notify</translation>
    </message>
    <message>
        <source>Never notify</source>
        <translation>Never notify</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::BreakersModel</name>
    <message>
        <source>open</source>
        <translation>open</translation>
    </message>
    <message>
        <source>half-open</source>
        <translation>half-open</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>closed</translation>
    </message>
    <message>
        <source>%1 %2 → %3: %4</source>
        <translation>%1 %2 → %3: %4</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::BuildLogModel</name>
    <message numerus="yes">
        <source> [… %n more bytes of this line not shown]</source>
        <translation>
            <numerusform> [… %n more byte of this line not shown]</numerusform>
            <numerusform> [… %n more bytes of this line not shown]</numerusform>
        </translation>
    </message>
    <message>
        <source>The build log %1 is not a local file.</source>
        <translation>The build log %1 is not a local file.</translation>
    </message>
    <message>
        <source>The build log %1 could not be read: %2</source>
        <translation>The build log %1 could not be read: %2</translation>
    </message>
    <message>
        <source>The filter is not a valid regular expression: %1 (at character %2).</source>
        <translation>The filter is not a valid regular expression: %1 (at character %2).</translation>
    </message>
    <message>
        <source>The log can only be saved to a local file.</source>
        <translation>The log can only be saved to a local file.</translation>
    </message>
    <message>
        <source>There is no build log to save.</source>
        <translation>There is no build log to save.</translation>
    </message>
    <message>
        <source>%1 could not be read: %2</source>
        <translation>%1 could not be read: %2</translation>
    </message>
    <message>
        <source>%1 could not be written: %2</source>
        <translation>%1 could not be written: %2</translation>
    </message>
    <message numerus="yes">
        <source>Saved %n lines to %1.</source>
        <translation>
            <numerusform>Saved %n line to %1.</numerusform>
            <numerusform>Saved %n lines to %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>The build log %1 could not be written: %2</source>
        <translation>The build log %1 could not be written: %2</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::BuildWorkersModel</name>
    <message>
        <source>in process on node %1</source>
        <translation>in process on node %1</translation>
    </message>
    <message>
        <source>separate process at %1:%2</source>
        <translation>separate process at %1:%2</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::ChatController</name>
    <message>
        <source>Live updates of this room stopped: %1</source>
        <translation>Live updates of this room stopped: %1</translation>
    </message>
    <message>
        <source>Presence is not live: %1</source>
        <translation>Presence is not live: %1</translation>
    </message>
    <message>
        <source>Not opened: reading this private room needs a reason, and the read is recorded.</source>
        <translation>Not opened: reading this private room needs a reason, and the read is recorded.</translation>
    </message>
    <message>
        <source>Could not load the rooms: %1</source>
        <translation>Could not load the rooms: %1</translation>
    </message>
    <message>
        <source>Could not load more rooms: %1</source>
        <translation>Could not load more rooms: %1</translation>
    </message>
    <message>
        <source>Could not load presence: %1</source>
        <translation>Could not load presence: %1</translation>
    </message>
    <message>
        <source>Type at least two characters to search.</source>
        <translation>Type at least two characters to search.</translation>
    </message>
    <message>
        <source>Search failed: %1</source>
        <translation>Search failed: %1</translation>
    </message>
    <message>
        <source>Could not load the reports: %1</source>
        <translation>Could not load the reports: %1</translation>
    </message>
    <message>
        <source>Report resolved.</source>
        <translation>Report resolved.</translation>
    </message>
    <message>
        <source>Could not load the invitations: %1</source>
        <translation>Could not load the invitations: %1</translation>
    </message>
    <message>
        <source>Could not load the support reads: %1</source>
        <translation>Could not load the support reads: %1</translation>
    </message>
    <message>
        <source>Invitation created.</source>
        <translation>Invitation created.</translation>
    </message>
    <message>
        <source>Invitation revoked.</source>
        <translation>Invitation revoked.</translation>
    </message>
    <message>
        <source>Revoke this invitation to %1? Its QR code and link stop working at once; it has been used %2 time(s). People who already joined stay in the room.</source>
        <translation>Revoke this invitation to %1? Its QR code and link stop working at once; it has been used %2 time(s). People who already joined stay in the room.</translation>
    </message>
    <message>
        <source>Could not load the QR code: %1</source>
        <translation>Could not load the QR code: %1</translation>
    </message>
    <message>
        <source>The backend did not send a PNG image for the QR code.</source>
        <translation>The backend did not send a PNG image for the QR code.</translation>
    </message>
    <message>
        <source>Message deleted.</source>
        <translation>Message deleted.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::ClusterMembersModel</name>
    <message>
        <source>Could not load the cluster&apos;s members: %1</source>
        <translation>Could not load the cluster&apos;s members: %1</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::ClusterSummaryModel</name>
    <message>
        <source>Signs in with a password: attach to it to see its state.</source>
        <translation>Signs in with a password: attach to it to see its state.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::Console</name>
    <message>
        <source>There is no cluster profile named &quot;%1&quot;.</source>
        <translation>There is no cluster profile named &quot;%1&quot;.</translation>
    </message>
    <message>
        <source>Local stack</source>
        <translation>Local stack</translation>
    </message>
    <message>
        <source>The credential of %1 could not be read: %2</source>
        <translation>The credential of %1 could not be read: %2</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::ConsumerGroupsModel</name>
    <message>
        <source>committed %1 · lag %2 · in flight %3</source>
        <translation>committed %1 · lag %2 · in flight %3</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::DeliveriesModel</name>
    <message>
        <source>%1 · #%2 attempt %3 · %4 · %5 ms %6</source>
        <translation>%1 · #%2 attempt %3 · %4 · %5 ms %6</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::DeploymentsController</name>
    <message>
        <source>Cannot keep the log on disk: %1</source>
        <translation>Cannot keep the log on disk: %1</translation>
    </message>
    <message>
        <source>Could not load the sites: %1</source>
        <translation>Could not load the sites: %1</translation>
    </message>
    <message>
        <source>Could not load the deployments: %1</source>
        <translation>Could not load the deployments: %1</translation>
    </message>
    <message>
        <source>Could not load the variables: %1</source>
        <translation>Could not load the variables: %1</translation>
    </message>
    <message>
        <source>Could not load the build queue: %1</source>
        <translation>Could not load the build queue: %1</translation>
    </message>
    <message>
        <source>Could not load the build log: %1</source>
        <translation>Could not load the build log: %1</translation>
    </message>
    <message>
        <source>Activate deployment %1: site %2 will serve it.</source>
        <translation>Activate deployment %1: site %2 will serve it.</translation>
    </message>
    <message>
        <source>Roll back to deployment %1: site %2 will serve it instead of %3, with no rebuild.</source>
        <translation>Roll back to deployment %1: site %2 will serve it instead of %3, with no rebuild.</translation>
    </message>
    <message>
        <source>Activate deployment %1: site %2 will serve it instead of %3.</source>
        <translation>Activate deployment %1: site %2 will serve it instead of %3.</translation>
    </message>
    <message>
        <source>Cancel deployment %1: its build stops and it will not be served.</source>
        <translation>Cancel deployment %1: its build stops and it will not be served.</translation>
    </message>
    <message>
        <source>Redeploy %1: the same source is built again as a new deployment; the live one stays until you activate the new one.</source>
        <translation>Redeploy %1: the same source is built again as a new deployment; the live one stays until you activate the new one.</translation>
    </message>
    <message>
        <source>Delete deployment %1: its source, build and log are removed; it cannot be activated again.</source>
        <translation>Delete deployment %1: its source, build and log are removed; it cannot be activated again.</translation>
    </message>
    <message>
        <source>Site %1 created.</source>
        <translation>Site %1 created.</translation>
    </message>
    <message>
        <source>Deployment of %1 queued.</source>
        <translation>Deployment of %1 queued.</translation>
    </message>
    <message>
        <source>Deployment of %1 (%2) queued.</source>
        <translation>Deployment of %1 (%2) queued.</translation>
    </message>
    <message>
        <source>Deployment %1 is live.</source>
        <translation>Deployment %1 is live.</translation>
    </message>
    <message>
        <source>Deployment %1 is being canceled.</source>
        <translation>Deployment %1 is being canceled.</translation>
    </message>
    <message>
        <source>A new build of %1&apos;s source is queued.</source>
        <translation>A new build of %1&apos;s source is queued.</translation>
    </message>
    <message>
        <source>Deployment %1 deleted.</source>
        <translation>Deployment %1 deleted.</translation>
    </message>
    <message>
        <source>Variable %1 saved.</source>
        <translation>Variable %1 saved.</translation>
    </message>
    <message>
        <source>Variable deleted.</source>
        <translation>Variable deleted.</translation>
    </message>
    <message>
        <source>Could not load the build workers: %1</source>
        <translation>Could not load the build workers: %1</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::DeploymentsModel</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>git %1 (%2)</source>
        <translation>git %1 (%2)</translation>
    </message>
    <message>
        <source>directory %1</source>
        <translation>directory %1</translation>
    </message>
    <message>
        <source>archive %1 (%2)</source>
        <translation>archive %1 (%2)</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::DesktopNotifier</name>
    <message>
        <source>%1 is critical</source>
        <translation>%1 is critical</translation>
    </message>
    <message>
        <source>Instance %1: %2</source>
        <translation>Instance %1: %2</translation>
    </message>
    <message>
        <source>Gateway route %1 is failing</source>
        <translation>Gateway route %1 is failing</translation>
    </message>
    <message numerus="yes">
        <source>%1 % of its last %n requests failed (the last minute).</source>
        <translation>
            <numerusform>%1 % of its last request failed (the last minute).</numerusform>
            <numerusform>%1 % of its last %n requests failed (the last minute).</numerusform>
        </translation>
    </message>
    <message>
        <source>A build of %1 failed</source>
        <translation>A build of %1 failed</translation>
    </message>
    <message>
        <source>Deployment %1: %2</source>
        <translation>Deployment %1: %2</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::EventsController</name>
    <message>
        <source>Select a topic first.</source>
        <translation>Select a topic first.</translation>
    </message>
    <message>
        <source>Give the event a type, such as test.ping.</source>
        <translation>Give the event a type, such as test.ping.</translation>
    </message>
    <message>
        <source>The data is not valid JSON: %1.</source>
        <translation>The data is not valid JSON: %1.</translation>
    </message>
    <message>
        <source>Published at offset %1.</source>
        <translation>Published at offset %1.</translation>
    </message>
    <message numerus="yes">
        <source>Copied %n event(s).</source>
        <translation>
            <numerusform>Copied %n event.</numerusform>
            <numerusform>Copied %n events.</numerusform>
        </translation>
    </message>
    <message>
        <source>Delivered: HTTP %1 in %2 ms.</source>
        <translation>Delivered: HTTP %1 in %2 ms.</translation>
    </message>
    <message>
        <source>Not delivered: %1</source>
        <translation>Not delivered: %1</translation>
    </message>
    <message>
        <source>Write the time as 2026-11-21 10:00 (local time).</source>
        <translation>Write the time as 2026-11-21 10:00 (local time).</translation>
    </message>
    <message>
        <source>Could not load the topics: %1</source>
        <translation>Could not load the topics: %1</translation>
    </message>
    <message>
        <source>Could not load the consumer groups of %1: %2</source>
        <translation>Could not load the consumer groups of %1: %2</translation>
    </message>
    <message>
        <source>Could not load the webhooks: %1</source>
        <translation>Could not load the webhooks: %1</translation>
    </message>
    <message>
        <source>Could not load the lag of %1: %2</source>
        <translation>Could not load the lag of %1: %2</translation>
    </message>
    <message>
        <source>Could not load the deliveries of this webhook: %1</source>
        <translation>Could not load the deliveries of this webhook: %1</translation>
    </message>
    <message>
        <source>Could not load the events before offset %1 of %2: %3</source>
        <translation>Could not load the events before offset %1 of %2: %3</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::FakeApiClient</name>
    <message>
        <source>Nothing is listening at %1. Is meshdeckd running?</source>
        <translation>Nothing is listening at %1. Is meshdeckd running?</translation>
    </message>
    <message>
        <source>There is no route %1.</source>
        <translation>There is no route %1.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::FakeSecretStore</name>
    <message>
        <source>The keychain holds no credential for this profile: edit the profile and enter it again.</source>
        <translation>The keychain holds no credential for this profile: edit the profile and enter it again.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::GatewayController</name>
    <message>
        <source>5 minutes</source>
        <translation>5 minutes</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 hour</translation>
    </message>
    <message>
        <source>24 hours</source>
        <translation>24 hours</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Any status</translation>
    </message>
    <message>
        <source>Errors and refusals</source>
        <translation>Errors and refusals</translation>
    </message>
    <message>
        <source>2xx</source>
        <translation>2xx</translation>
    </message>
    <message>
        <source>3xx</source>
        <translation>3xx</translation>
    </message>
    <message>
        <source>4xx</source>
        <translation>4xx</translation>
    </message>
    <message>
        <source>429 (rate limited)</source>
        <translation>429 (rate limited)</translation>
    </message>
    <message>
        <source>5xx</source>
        <translation>5xx</translation>
    </message>
    <message>
        <source>The live numbers are not available: %1</source>
        <translation>The live numbers are not available: %1</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>%1 requests · %2 errors · p95 %3</source>
        <translation>%1 requests · %2 errors · p95 %3</translation>
    </message>
    <message>
        <source>Could not load the gateway&apos;s routes: %1</source>
        <translation>Could not load the gateway&apos;s routes: %1</translation>
    </message>
    <message>
        <source>Could not refresh the gateway&apos;s numbers (those shown may be old): %1</source>
        <translation>Could not refresh the gateway&apos;s numbers (those shown may be old): %1</translation>
    </message>
    <message>
        <source>Could not load the breakers&apos; trip history: %1</source>
        <translation>Could not load the breakers&apos; trip history: %1</translation>
    </message>
    <message>
        <source>Could not load the route&apos;s metrics: %1</source>
        <translation>Could not load the route&apos;s metrics: %1</translation>
    </message>
    <message numerus="yes">
        <source>The breaker of %1 on route %2 closes now: the gateway sends it requests again at once, without waiting for the cool-down or a probe. If it keeps failing, the breaker opens again after %n consecutive failure(s).</source>
        <translation>
            <numerusform>The breaker of %1 on route %2 closes now: the gateway sends it requests again at once, without waiting for the cool-down or a probe. If it keeps failing, the breaker opens again after %n failure.</numerusform>
            <numerusform>The breaker of %1 on route %2 closes now: the gateway sends it requests again at once, without waiting for the cool-down or a probe. If it keeps failing, the breaker opens again after %n consecutive failures.</numerusform>
        </translation>
    </message>
    <message>
        <source>The breaker was not reset: %1</source>
        <translation>The breaker was not reset: %1</translation>
    </message>
    <message>
        <source>The breaker is closed; requests go to the instance again.</source>
        <translation>The breaker is closed; requests go to the instance again.</translation>
    </message>
    <message>
        <source>Could not read the access log: %1</source>
        <translation>Could not read the access log: %1</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::GatewayRoutesModel</name>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>%1 / %2 / %3</source>
        <translation>%1 / %2 / %3</translation>
    </message>
    <message>
        <source>%1: %2 of %3 left</source>
        <translation>%1: %2 of %3 left</translation>
    </message>
    <message>
        <source>no instance</source>
        <translation>no instance</translation>
    </message>
    <message numerus="yes">
        <source>%n open</source>
        <translation>
            <numerusform>%n open</numerusform>
            <numerusform>%n open</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n half-open</source>
        <translation>
            <numerusform>%n half-open</numerusform>
            <numerusform>%n half-open</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n closed</source>
        <translation>
            <numerusform>%n closed</numerusform>
            <numerusform>%n closed</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::HttpApiClient</name>
    <message>
        <source>The request was abandoned.</source>
        <translation>The request was abandoned.</translation>
    </message>
    <message>
        <source>Nothing is listening at %1. Is meshdeckd running?</source>
        <translation>Nothing is listening at %1. Is meshdeckd running?</translation>
    </message>
    <message>
        <source>%1 did not answer within %2 s.</source>
        <translation>%1 did not answer within %2 s.</translation>
    </message>
    <message>
        <source>Cannot reach %1: %2</source>
        <translation>Cannot reach %1: %2</translation>
    </message>
    <message>
        <source>The TLS handshake with %1 failed: %2</source>
        <translation>The TLS handshake with %1 failed: %2</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Cannot read %1: %2</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::InvitationsModel</name>
    <message>
        <source>%1 of %2 uses</source>
        <translation>%1 of %2 uses</translation>
    </message>
    <message numerus="yes">
        <source>%n use(s)</source>
        <translation>
            <numerusform>%n use(s)</numerusform>
            <numerusform>%n use(s)</numerusform>
        </translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Expired</translation>
    </message>
    <message>
        <source>Used up</source>
        <translation>Used up</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>Revoked</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::LocalStack</name>
    <message>
        <source>The backend program %1 is missing or not executable. Reinstall Meshdeck or pass --backend PATH.</source>
        <translation>The backend program %1 is missing or not executable. Reinstall Meshdeck or pass --backend PATH.</translation>
    </message>
    <message>
        <source>Cannot create the data directory %1.</source>
        <translation>Cannot create the data directory %1.</translation>
    </message>
    <message>
        <source>Could not run %1: %2</source>
        <translation>Could not run %1: %2</translation>
    </message>
    <message>
        <source>— starting %1 %2</source>
        <translation>— starting %1 %2</translation>
    </message>
    <message>
        <source>meshdeckd started but its ready line could not be used (url %1, token file %2).</source>
        <translation>meshdeckd started but its ready line could not be used (url %1, token file %2).</translation>
    </message>
    <message>
        <source>— meshdeckd exited (%1)</source>
        <translation>— meshdeckd exited (%1)</translation>
    </message>
    <message>
        <source>crashed</source>
        <translation>crashed</translation>
    </message>
    <message>
        <source>code %1</source>
        <translation>code %1</translation>
    </message>
    <message>
        <source>meshdeckd crashed.</source>
        <translation>meshdeckd crashed.</translation>
    </message>
    <message>
        <source>meshdeckd refused the data directory: its database was written by a newer version.</source>
        <translation>meshdeckd refused the data directory: its database was written by a newer version.</translation>
    </message>
    <message>
        <source>meshdeckd exited with code %1.</source>
        <translation>meshdeckd exited with code %1.</translation>
    </message>
    <message>
        <source>meshdeckd did not report ready within %1 s.</source>
        <translation>meshdeckd did not report ready within %1 s.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::MessagesModel</name>
    <message>
        <source>%1 is typing…</source>
        <translation>%1 is typing…</translation>
    </message>
    <message>
        <source>%1 and %2 are typing…</source>
        <translation>%1 and %2 are typing…</translation>
    </message>
    <message numerus="yes">
        <source>%n people are typing…</source>
        <translation>
            <numerusform>%n people are typing…</numerusform>
            <numerusform>%n people are typing…</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not read the messages sent meanwhile: %1</source>
        <translation>Could not read the messages sent meanwhile: %1</translation>
    </message>
    <message>
        <source>Could not load the messages: %1</source>
        <translation>Could not load the messages: %1</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::NavigationModel</name>
    <message>
        <source>Overview</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Gateway</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Events</translation>
    </message>
    <message>
        <source>Deployments</source>
        <translation>Deployments</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>Chat</translation>
    </message>
    <message>
        <source>Access</source>
        <translation>Access</translation>
    </message>
    <message>
        <source>Local stack</source>
        <translation>Local stack</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::Permission</name>
    <message>
        <source>No console session.</source>
        <translation>No console session.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::PrincipalsModel</name>
    <message>
        <source>The admin token</source>
        <translation>The admin token</translation>
    </message>
    <message>
        <source>User %1 (%2)</source>
        <translation>User %1 (%2)</translation>
    </message>
    <message>
        <source>API key %1 (%2…)</source>
        <translation>API key %1 (%2…)</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::ProfilesModel</name>
    <message>
        <source>A profile named &quot;%1&quot; exists already: choose another name.</source>
        <translation>A profile named &quot;%1&quot; exists already: choose another name.</translation>
    </message>
    <message>
        <source>This profile no longer exists.</source>
        <translation>This profile no longer exists.</translation>
    </message>
    <message>
        <source>Enter the API key this console uses for the cluster.</source>
        <translation>Enter the API key this console uses for the cluster.</translation>
    </message>
    <message>
        <source>Enter the admin token this console uses for the cluster.</source>
        <translation>Enter the admin token this console uses for the cluster.</translation>
    </message>
    <message>
        <source>The profile was not saved: %1</source>
        <translation>The profile was not saved: %1</translation>
    </message>
    <message>
        <source>The profile was not removed: its credential could not be deleted from the keychain: %1</source>
        <translation>The profile was not removed: its credential could not be deleted from the keychain: %1</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::RegistryController</name>
    <message>
        <source>Draining %1.</source>
        <translation>Draining %1.</translation>
    </message>
    <message>
        <source>Deregistered %1.</source>
        <translation>Deregistered %1.</translation>
    </message>
    <message>
        <source>The weight of %1 is now %2.</source>
        <translation>The weight of %1 is now %2.</translation>
    </message>
    <message>
        <source>Could not load the latest status changes: %1</source>
        <translation>Could not load the latest status changes: %1</translation>
    </message>
    <message>
        <source>Could not load this instance&apos;s history: %1</source>
        <translation>Could not load this instance&apos;s history: %1</translation>
    </message>
    <message>
        <source>HTTP GET %1 every %2 ms</source>
        <translation>HTTP GET %1 every %2 ms</translation>
    </message>
    <message>
        <source>TCP connect every %1 ms</source>
        <translation>TCP connect every %1 ms</translation>
    </message>
    <message>
        <source>Heartbeat within %1 ms</source>
        <translation>Heartbeat within %1 ms</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Any status</translation>
    </message>
    <message>
        <source>Passing</source>
        <translation>Passing</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warning</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Critical</translation>
    </message>
    <message>
        <source>Draining</source>
        <translation>Draining</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::RoomsModel</name>
    <message>
        <source>online</source>
        <translation>online</translation>
    </message>
    <message>
        <source>away</source>
        <translation>away</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>presence unknown</source>
        <translation>presence unknown</translation>
    </message>
    <message>
        <source>%1: (message deleted)</source>
        <translation>%1: (message deleted)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::RouteEditor</name>
    <message>
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>yes</translation>
    </message>
    <message>
        <source>no</source>
        <translation>no</translation>
    </message>
    <message>
        <source>created</source>
        <translation>created</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>deleted</translation>
    </message>
    <message>
        <source>restored</source>
        <translation>restored</translation>
    </message>
    <message>
        <source>updated</source>
        <translation>updated</translation>
    </message>
    <message>
        <source>%1%2 → %3, timeout %4 ms, %5 retries</source>
        <translation>%1%2 → %3, timeout %4 ms, %5 retries</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>This route no longer exists (it was deleted).</source>
        <translation>This route no longer exists (it was deleted).</translation>
    </message>
    <message>
        <source>Could not load the route: %1</source>
        <translation>Could not load the route: %1</translation>
    </message>
    <message>
        <source>This route was changed while you edited version %1: it is version %2 now. Reload it to see that change; your edits here are not saved.</source>
        <translation>This route was changed while you edited version %1: it is version %2 now. Reload it to see that change; your edits here are not saved.</translation>
    </message>
    <message>
        <source>%1 changed this route while you edited version %2: it is version %3 now. Reload it to see their change; your edits here are not saved.</source>
        <translation>%1 changed this route while you edited version %2: it is version %3 now. Reload it to see their change; your edits here are not saved.</translation>
    </message>
    <message>
        <source>The preview failed</source>
        <translation>The preview failed</translation>
    </message>
    <message>
        <source>%1: %2 → %3</source>
        <translation>%1: %2 → %3</translation>
    </message>
    <message>
        <source>Takes requests that route %1 gets today (this match is more specific).</source>
        <translation>Takes requests that route %1 gets today (this match is more specific).</translation>
    </message>
    <message>
        <source>Route %1 is more specific and keeps part of these requests.</source>
        <translation>Route %1 is more specific and keeps part of these requests.</translation>
    </message>
    <message>
        <source>Route %1 has the same match: saving is refused.</source>
        <translation>Route %1 has the same match: saving is refused.</translation>
    </message>
    <message>
        <source>Service %1 has no instance yet: requests get 503 until one registers.</source>
        <translation>Service %1 has no instance yet: requests get 503 until one registers.</translation>
    </message>
    <message numerus="yes">
        <source>Service %1: %n instance(s), %2 passing.</source>
        <translation>
            <numerusform>Service %1: %n instance, %2 passing.</numerusform>
            <numerusform>Service %1: %n instances, %2 passing.</numerusform>
        </translation>
    </message>
    <message>
        <source>No service of that name is registered: requests get 503 until one registers.</source>
        <translation>No service of that name is registered: requests get 503 until one registers.</translation>
    </message>
    <message>
        <source>The route was not saved</source>
        <translation>The route was not saved</translation>
    </message>
    <message>
        <source>Route %1 created.</source>
        <translation>Route %1 created.</translation>
    </message>
    <message>
        <source>Route %1 saved as version %2.</source>
        <translation>Route %1 saved as version %2.</translation>
    </message>
    <message>
        <source>The route was not deleted</source>
        <translation>The route was not deleted</translation>
    </message>
    <message>
        <source>The route was not deleted: %1</source>
        <translation>The route was not deleted: %1</translation>
    </message>
    <message>
        <source>Route deleted. Its history keeps it: restore it from there.</source>
        <translation>Route deleted. Its history keeps it: restore it from there.</translation>
    </message>
    <message>
        <source>Could not load the route&apos;s history: %1</source>
        <translation>Could not load the route&apos;s history: %1</translation>
    </message>
    <message>
        <source>Version %1 was not restored</source>
        <translation>Version %1 was not restored</translation>
    </message>
    <message>
        <source>Version %1 was not restored: %2</source>
        <translation>Version %1 was not restored: %2</translation>
    </message>
    <message>
        <source>Version %1 restored as version %2.</source>
        <translation>Version %1 restored as version %2.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::SecretStore</name>
    <message>
        <source>No keychain is available (on Linux: a Secret Service such as GNOME Keyring or KWallet must be running): %1</source>
        <translation>No keychain is available (on Linux: a Secret Service such as GNOME Keyring or KWallet must be running): %1</translation>
    </message>
    <message>
        <source>The keychain refused access: %1</source>
        <translation>The keychain refused access: %1</translation>
    </message>
    <message>
        <source>The keychain failed: %1</source>
        <translation>The keychain failed: %1</translation>
    </message>
    <message>
        <source>The keychain request was abandoned.</source>
        <translation>The keychain request was abandoned.</translation>
    </message>
    <message>
        <source>The keychain holds no credential for this profile: edit the profile and enter it again.</source>
        <translation>The keychain holds no credential for this profile: edit the profile and enter it again.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::Session</name>
    <message>
        <source>Your session has ended: the keychain could not keep it (%1). Sign in again.</source>
        <translation>Your session has ended: the keychain could not keep it (%1). Sign in again.</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>admin</translation>
    </message>
    <message>
        <source>developer</source>
        <translation>developer</translation>
    </message>
    <message>
        <source>support</source>
        <translation>support</translation>
    </message>
    <message>
        <source>user</source>
        <translation>user</translation>
    </message>
    <message>
        <source>Admin token</source>
        <translation>Admin token</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API key</translation>
    </message>
    <message>
        <source>API key of %1</source>
        <translation>API key of %1</translation>
    </message>
    <message>
        <source>Sign in first.</source>
        <translation>Sign in first.</translation>
    </message>
    <message>
        <source>Checking what you may do…</source>
        <translation>Checking what you may do…</translation>
    </message>
    <message>
        <source>This API key (role %1) may not do this: its role or scopes lack the permission %2.</source>
        <translation>This API key (role %1) may not do this: its role or scopes lack the permission %2.</translation>
    </message>
    <message>
        <source>Your role (%1) may not do this: it needs the permission %2.</source>
        <translation>Your role (%1) may not do this: it needs the permission %2.</translation>
    </message>
    <message>
        <source>Your session expired. Sign in again to carry on where you were.</source>
        <translation>Your session expired. Sign in again to carry on where you were.</translation>
    </message>
    <message>
        <source>Your session was ended: you signed out elsewhere, your password changed, or an administrator ended it. Sign in again to carry on where you were.</source>
        <translation>Your session was ended: you signed out elsewhere, your password changed, or an administrator ended it. Sign in again to carry on where you were.</translation>
    </message>
    <message>
        <source>Your session was ended because its refresh token was used twice, possibly by someone else. Sign in again, and change your password if you did not expect this.</source>
        <translation>Your session was ended because its refresh token was used twice, possibly by someone else. Sign in again, and change your password if you did not expect this.</translation>
    </message>
    <message>
        <source>Your account is disabled: ask an administrator to enable it.</source>
        <translation>Your account is disabled: ask an administrator to enable it.</translation>
    </message>
    <message>
        <source>Your session has ended. Sign in again.</source>
        <translation>Your session has ended. Sign in again.</translation>
    </message>
    <message>
        <source>Sign in with your email address and password.</source>
        <translation>Sign in with your email address and password.</translation>
    </message>
    <message>
        <source>The stored session could not be read from the keychain (%1). Sign in again.</source>
        <translation>The stored session could not be read from the keychain (%1). Sign in again.</translation>
    </message>
    <message>
        <source>Your last session has ended. Sign in again.</source>
        <translation>Your last session has ended. Sign in again.</translation>
    </message>
    <message>
        <source>The cluster could not renew your session: %1</source>
        <translation>The cluster could not renew your session: %1</translation>
    </message>
    <message>
        <source>Enter your email address and your password.</source>
        <translation>Enter your email address and your password.</translation>
    </message>
    <message>
        <source>Too many sign-in attempts. Wait before you try again.</source>
        <translation>Too many sign-in attempts. Wait before you try again.</translation>
    </message>
    <message>
        <source>The email address or the password is wrong.</source>
        <translation>The email address or the password is wrong.</translation>
    </message>
    <message>
        <source>The cluster&apos;s answer to the sign-in had no access token.</source>
        <translation>The cluster&apos;s answer to the sign-in had no access token.</translation>
    </message>
    <message>
        <source>Signed in, but the keychain could not keep the session (%1): you will be asked to sign in again when it expires.</source>
        <translation>Signed in, but the keychain could not keep the session (%1): you will be asked to sign in again when it expires.</translation>
    </message>
    <message>
        <source>Your session could not be renewed: %1 Sign in again.</source>
        <translation>Your session could not be renewed: %1 Sign in again.</translation>
    </message>
    <message>
        <source>the keychain holds no session.</source>
        <translation>the keychain holds no session.</translation>
    </message>
    <message>
        <source>You signed out.</source>
        <translation>You signed out.</translation>
    </message>
    <message>
        <source>The cluster did not confirm it (%1); the session ends by itself when its token expires.</source>
        <translation>The cluster did not confirm it (%1); the session ends by itself when its token expires.</translation>
    </message>
    <message>
        <source>The keychain still holds the session: %1</source>
        <translation>The keychain still holds the session: %1</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::SessionsModel</name>
    <message>
        <source>Never used</source>
        <translation>Never used</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::TopicsModel</name>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n s</source>
        <translation>
            <numerusform>%n s</numerusform>
            <numerusform>%n s</numerusform>
        </translation>
    </message>
    <message>
        <source>forever</source>
        <translation>forever</translation>
    </message>
    <message>
        <source>%1 events · %2 · %3/s · kept %4</source>
        <translation>%1 events · %2 · %3/s · kept %4</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::UsersModel</name>
    <message>
        <source>Never signed in</source>
        <translation>Never signed in</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::WebhooksModel</name>
    <message>
        <source>enabled</source>
        <translation>enabled</translation>
    </message>
    <message>
        <source>disabled: %1</source>
        <translation>disabled: %1</translation>
    </message>
</context>
<context>
    <name>OverviewPage</name>
    <message>
        <source>Overview</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>Local stack on this machine</source>
        <translation>Local stack on this machine</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Connection</translation>
    </message>
    <message>
        <source>%1 Retrying in %2 s.</source>
        <translation>%1 Retrying in %2 s.</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Retry now</translation>
    </message>
    <message>
        <source>Start the local stack again</source>
        <translation>Start the local stack again</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>Backend</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Mode</translation>
    </message>
    <message>
        <source>Local (SQLite, one process)</source>
        <translation>Local (SQLite, one process)</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Node</translation>
    </message>
    <message>
        <source>Up for</source>
        <translation>Up for</translation>
    </message>
    <message>
        <source>Data directory</source>
        <translation>Data directory</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>Waiting for the registry…</source>
        <translation>Waiting for the registry…</translation>
    </message>
    <message>
        <source>Latest status changes</source>
        <translation>Latest status changes</translation>
    </message>
    <message>
        <source>No status change yet.</source>
        <translation>No status change yet.</translation>
    </message>
    <message>
        <source>Retry connecting now</source>
        <translation>Retry connecting now</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Retry loading the latest status changes</source>
        <translation>Retry loading the latest status changes</translation>
    </message>
    <message>
        <source>Remote backend: %1</source>
        <translation>Remote backend: %1</translation>
    </message>
    <message>
        <source>Cluster members</source>
        <translation>Cluster members</translation>
    </message>
    <message>
        <source>This backend is a single node (no cluster).</source>
        <translation>This backend is a single node (no cluster).</translation>
    </message>
    <message>
        <source>Node %1 at %2: %3</source>
        <translation>Node %1 at %2: %3</translation>
    </message>
    <message>
        <source>%1 · %2 connections · load %3 · seen %4</source>
        <translation>%1 · %2 connections · load %3 · seen %4</translation>
    </message>
    <message>
        <source>The backend lists no members.</source>
        <translation>The backend lists no members.</translation>
    </message>
    <message>
        <source>Retry loading the cluster members</source>
        <translation>Retry loading the cluster members</translation>
    </message>
    <message>
        <source>All clusters</source>
        <translation>All clusters</translation>
    </message>
    <message>
        <source>All cluster profiles</source>
        <translation>All cluster profiles</translation>
    </message>
    <message>
        <source>not checked yet</source>
        <translation>not checked yet</translation>
    </message>
    <message>
        <source>unreachable: %1</source>
        <translation>unreachable: %1</translation>
    </message>
    <message>
        <source>reachable · %1 critical services · %2 nodes</source>
        <translation>reachable · %1 critical services · %2 nodes</translation>
    </message>
    <message>
        <source>Check all clusters now</source>
        <translation>Check all clusters now</translation>
    </message>
    <message>
        <source>%1 · %2 connections · load %3</source>
        <translation>%1 · %2 connections · load %3</translation>
    </message>
    <message>
        <source>Running builds will appear here once this backend provides the deployments service.</source>
        <translation>Running builds will appear here once this backend provides the deployments service.</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Gateway</translation>
    </message>
    <message>
        <source>This backend has no gateway.</source>
        <translation>This backend has no gateway.</translation>
    </message>
    <message>
        <source>requests</source>
        <translation>requests</translation>
    </message>
    <message>
        <source>errors</source>
        <translation>errors</translation>
    </message>
    <message>
        <source>p95 latency</source>
        <translation>p95 latency</translation>
    </message>
    <message>
        <source>Gateway %1: %2</source>
        <translation>Gateway %1: %2</translation>
    </message>
    <message>
        <source>live</source>
        <translation>live</translation>
    </message>
    <message>
        <source>refreshed every few seconds</source>
        <translation>refreshed every few seconds</translation>
    </message>
    <message>
        <source>Waiting for the gateway…</source>
        <translation>Waiting for the gateway…</translation>
    </message>
    <message>
        <source>Open the Gateway page</source>
        <translation>Open the Gateway page</translation>
    </message>
</context>
<context>
    <name>ServicesPage</name>
    <message>
        <source>Services</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>Live: %1 passing, %2 warning, %3 critical, %4 draining</source>
        <translation>Live: %1 passing, %2 warning, %3 critical, %4 draining</translation>
    </message>
    <message>
        <source>Waiting for the registry…</source>
        <translation>Waiting for the registry…</translation>
    </message>
    <message>
        <source>All services (%1)</source>
        <translation>All services (%1)</translation>
    </message>
    <message>
        <source>%1 passing</source>
        <translation>%1 passing</translation>
    </message>
    <message>
        <source>%1 warning</source>
        <translation>%1 warning</translation>
    </message>
    <message>
        <source>%1 critical</source>
        <translation>%1 critical</translation>
    </message>
    <message>
        <source>%1 draining</source>
        <translation>%1 draining</translation>
    </message>
    <message>
        <source>Versions: %1</source>
        <translation>Versions: %1</translation>
    </message>
    <message>
        <source>Search address, version, tag or id</source>
        <translation>Search address, version, tag or id</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>Weight</translation>
    </message>
    <message>
        <source>Heartbeat</source>
        <translation>Heartbeat</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>Uptime</translation>
    </message>
    <message>
        <source>No instance is registered yet. Register one with POST /v1/registry/services/&lt;name&gt;/instances, or run meshdeckd --role echo --register &lt;this backend&apos;s URL&gt;.</source>
        <translation>No instance is registered yet. Register one with POST /v1/registry/services/&lt;name&gt;/instances, or run meshdeckd --role echo --register &lt;this backend&apos;s URL&gt;.</translation>
    </message>
    <message>
        <source>No instance matches the filter.</source>
        <translation>No instance matches the filter.</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>Last output</source>
        <translation>Last output</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>Instance id</source>
        <translation>Instance id</translation>
    </message>
    <message>
        <source>Drain…</source>
        <translation>Drain…</translation>
    </message>
    <message>
        <source>Deregister…</source>
        <translation>Deregister…</translation>
    </message>
    <message>
        <source>Set weight…</source>
        <translation>Set weight…</translation>
    </message>
    <message>
        <source>Status history</source>
        <translation>Status history</translation>
    </message>
    <message>
        <source>No status change yet.</source>
        <translation>No status change yet.</translation>
    </message>
    <message>
        <source>Drain %1?</source>
        <translation>Drain %1?</translation>
    </message>
    <message>
        <source>Deregister %1?</source>
        <translation>Deregister %1?</translation>
    </message>
    <message>
        <source>Change the weight of %1?</source>
        <translation>Change the weight of %1?</translation>
    </message>
    <message>
        <source>Its weight becomes 0, so the gateway sends it no new requests. It is deregistered as soon as it reports no requests in flight, or in 30 s at the latest. Registering it again ends the drain.</source>
        <translation>Its weight becomes 0, so the gateway sends it no new requests. It is deregistered as soon as it reports no requests in flight, or in 30 s at the latest. Registering it again ends the drain.</translation>
    </message>
    <message>
        <source>It leaves the registry now and its checks stop; its history is kept for 7 days. If it is still running, its next heartbeat is refused and it may register itself again.</source>
        <translation>It leaves the registry now and its checks stop; its history is kept for 7 days. If it is still running, its next heartbeat is refused and it may register itself again.</translation>
    </message>
    <message>
        <source>Its weight goes from %1 to %2: it would get %3 % of the traffic %4 sends to its passing and warning instances.</source>
        <translation>Its weight goes from %1 to %2: it would get %3 % of the traffic %4 sends to its passing and warning instances.</translation>
    </message>
    <message>
        <source>%1: %2 passing, %3 warning, %4 critical, %5 draining</source>
        <translation>%1: %2 passing, %3 warning, %4 critical, %5 draining</translation>
    </message>
    <message>
        <source>Search instances</source>
        <translation>Search instances</translation>
    </message>
    <message>
        <source>Filter by status</source>
        <translation>Filter by status</translation>
    </message>
    <message>
        <source>Instances</source>
        <translation>Instances</translation>
    </message>
    <message>
        <source>%1 %2, %3, version %4</source>
        <translation>%1 %2, %3, version %4</translation>
    </message>
    <message>
        <source>Drain this instance</source>
        <translation>Drain this instance</translation>
    </message>
    <message>
        <source>Deregister this instance</source>
        <translation>Deregister this instance</translation>
    </message>
    <message>
        <source>New weight</source>
        <translation>New weight</translation>
    </message>
    <message>
        <source>Set the new weight</source>
        <translation>Set the new weight</translation>
    </message>
    <message>
        <source>Retry loading the status history</source>
        <translation>Retry loading the status history</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>Confirm</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>Loading the services…</source>
        <translation>Loading the services…</translation>
    </message>
    <message>
        <source>Checked by</source>
        <translation>Checked by</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>Appearance</translation>
    </message>
    <message>
        <source>Dark theme</source>
        <translation>Dark theme</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Notifications</translation>
    </message>
    <message>
        <source>Service critical</source>
        <translation>Service critical</translation>
    </message>
    <message>
        <source>Notify when a service goes critical</source>
        <translation>Notify when a service goes critical</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>not yet</source>
        <translation>not yet</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>Pages</translation>
    </message>
    <message>
        <source>%1 (not available yet)</source>
        <translation>%1 (not available yet)</translation>
    </message>
</context>
<context>
    <name>StateText</name>
    <message>
        <source>Connected</source>
        <translation>Connected</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Connecting…</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>Reconnecting…</translation>
    </message>
    <message>
        <source>Not attached</source>
        <translation>Not attached</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>Starting</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Running</translation>
    </message>
    <message>
        <source>Stopping</source>
        <translation>Stopping</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Stopped</translation>
    </message>
    <message>
        <source>Passing</source>
        <translation>Passing</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warning</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Critical</translation>
    </message>
    <message>
        <source>Draining</source>
        <translation>Draining</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 d %2 h</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 ago</source>
        <translation>%1 ago</translation>
    </message>
    <message>
        <source>never</source>
        <translation>never</translation>
    </message>
    <message>
        <source>down %1</source>
        <translation>down %1</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>Refused</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Local stack · %1</source>
        <translation>Local stack · %1</translation>
    </message>
    <message>
        <source>Meshdeck %1</source>
        <translation>Meshdeck %1</translation>
    </message>
</context>
<context>
    <name>TlsTrust</name>
    <message>
        <source>no name</source>
        <translation>no name</translation>
    </message>
    <message>
        <source>The certificate of %1 expired on %2: renew it on the server, then connect again.</source>
        <translation>The certificate of %1 expired on %2: renew it on the server, then connect again.</translation>
    </message>
    <message>
        <source>The certificate of %1 is valid only from %2: check the clock of this machine and of the server.</source>
        <translation>The certificate of %1 is valid only from %2: check the clock of this machine and of the server.</translation>
    </message>
    <message>
        <source>The key of %1 (SHA-256 %2) matches neither pin of this profile. If the server&apos;s key was changed on purpose, update the pin; otherwise someone may be intercepting the connection.</source>
        <translation>The key of %1 (SHA-256 %2) matches neither pin of this profile. If the server&apos;s key was changed on purpose, update the pin; otherwise someone may be intercepting the connection.</translation>
    </message>
    <message>
        <source>The TLS connection to %1 failed: %2</source>
        <translation>The TLS connection to %1 failed: %2</translation>
    </message>
    <message>
        <source>%1 presented a certificate that no authority this system trusts has signed. Compare its fingerprint with the one its administrator gives you, then trust it or cancel.</source>
        <translation>%1 presented a certificate that no authority this system trusts has signed. Compare its fingerprint with the one its administrator gives you, then trust it or cancel.</translation>
    </message>
    <message>
        <source>The certificate of %1 was issued by &quot;%2&quot;, which is not the CA in this profile&apos;s CA file: choose the CA file that issued it, or pin its key.</source>
        <translation>The certificate of %1 was issued by &quot;%2&quot;, which is not the CA in this profile&apos;s CA file: choose the CA file that issued it, or pin its key.</translation>
    </message>
    <message>
        <source>The certificate of %1 was issued by &quot;%2&quot;, which this system does not trust: give the profile that CA&apos;s file, or pin the server&apos;s key.</source>
        <translation>The certificate of %1 was issued by &quot;%2&quot;, which this system does not trust: give the profile that CA&apos;s file, or pin the server&apos;s key.</translation>
    </message>
    <message>
        <source>The certificate is for %1, not %2: use the name it was issued for, or fix the certificate.</source>
        <translation>The certificate is for %1, not %2: use the name it was issued for, or fix the certificate.</translation>
    </message>
</context>
<context>
    <name>UnavailablePage</name>
    <message>
        <source>This backend has no %1 service yet, so there is nothing to show here. The page will fill in when meshdeckd provides it.</source>
        <translation>This backend has no %1 service yet, so there is nothing to show here. The page will fill in when meshdeckd provides it.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Meshdeck admin console.</source>
        <translation>Meshdeck admin console.</translation>
    </message>
    <message>
        <source>The meshdeckd to start for the local stack.</source>
        <translation>The meshdeckd to start for the local stack.</translation>
    </message>
    <message>
        <source>The local stack&apos;s data directory.</source>
        <translation>The local stack&apos;s data directory.</translation>
    </message>
    <message>
        <source>Attach to a running backend instead of starting one.</source>
        <translation>Attach to a running backend instead of starting one.</translation>
    </message>
    <message>
        <source>File holding the bearer token for --attach.</source>
        <translation>File holding the bearer token for --attach.</translation>
    </message>
    <message>
        <source>light or dark, for this run.</source>
        <translation>light or dark, for this run.</translation>
    </message>
    <message>
        <source>en or de, for this run.</source>
        <translation>en or de, for this run.</translation>
    </message>
    <message>
        <source>Once connected, save a screenshot, print start-up figures as JSON and quit.</source>
        <translation>Once connected, save a screenshot, print start-up figures as JSON and quit.</translation>
    </message>
    <message>
        <source>How long --screenshot waits to connect.</source>
        <translation>How long --screenshot waits to connect.</translation>
    </message>
    <message>
        <source>The page to open: overview, services, gateway, events, deployments, chat, access, localstack, settings.</source>
        <translation>The page to open: overview, services, gateway, events, deployments, chat, access, localstack, settings.</translation>
    </message>
    <message>
        <source>The topic the Events page tails first.</source>
        <translation>The topic the Events page tails first.</translation>
    </message>
    <message>
        <source>With --screenshot: wait until this text is on screen.</source>
        <translation>With --screenshot: wait until this text is on screen.</translation>
    </message>
    <message>
        <source>When a service going critical notifies the desktop: background, always or off, for this run.</source>
        <translation>When a service going critical notifies the desktop: background, always or off, for this run.</translation>
    </message>
    <message>
        <source>Attach to the cluster profile with this name (its credential comes from the keychain).</source>
        <translation>Attach to the cluster profile with this name (its credential comes from the keychain).</translation>
    </message>
</context>
</TS>
