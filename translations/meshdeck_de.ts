<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AccessAuditTab</name>
    <message>
        <source>Actor (user:ID, key:ID, admin-token)</source>
        <translation>Akteur (user:ID, key:ID, admin-token)</translation>
    </message>
    <message>
        <source>Filter by actor</source>
        <translation>Nach Akteur filtern</translation>
    </message>
    <message>
        <source>Action (auth.key.created)</source>
        <translation>Aktion (auth.key.created)</translation>
    </message>
    <message>
        <source>Filter by action</source>
        <translation>Nach Aktion filtern</translation>
    </message>
    <message>
        <source>Resource (topic:orders)</source>
        <translation>Ressource (topic:orders)</translation>
    </message>
    <message>
        <source>Filter by resource</source>
        <translation>Nach Ressource filtern</translation>
    </message>
    <message>
        <source>Filter by outcome</source>
        <translation>Nach Ergebnis filtern</translation>
    </message>
    <message>
        <source>From (2026-11-30 14:00)</source>
        <translation>Von (2026-11-30 14:00)</translation>
    </message>
    <message>
        <source>From time</source>
        <translation>Startzeitpunkt</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Bis</translation>
    </message>
    <message>
        <source>To time</source>
        <translation>Endzeitpunkt</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Search the audit log</source>
        <translation>Audit-Log durchsuchen</translation>
    </message>
    <message>
        <source>Follow live</source>
        <translation>Live folgen</translation>
    </message>
    <message>
        <source>Follow the audit log live</source>
        <translation>Dem Audit-Log live folgen</translation>
    </message>
    <message>
        <source>Live follow stopped: %1</source>
        <translation>Live-Verfolgung beendet: %1</translation>
    </message>
    <message>
        <source>Audit records</source>
        <translation>Audit-Einträge</translation>
    </message>
    <message>
        <source>%1 %2 by %3 on %4: %5</source>
        <translation>%1 %2 durch %3 auf %4: %5</translation>
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
        <translation>Kein Audit-Eintrag passt zu diesen Filtern.</translation>
    </message>
    <message>
        <source>Retry searching the audit log</source>
        <translation>Audit-Log erneut durchsuchen</translation>
    </message>
    <message>
        <source>Load more</source>
        <translation>Mehr laden</translation>
    </message>
    <message>
        <source>Load older audit records</source>
        <translation>Ältere Audit-Einträge laden</translation>
    </message>
    <message>
        <source>Select a record to see who did what, from where, and what it changed.</source>
        <translation>Wählen Sie einen Eintrag, um zu sehen, wer was von wo aus getan und was es geändert hat.</translation>
    </message>
    <message>
        <source>%1 %2 → %3</source>
        <translation>%1 %2 → %3</translation>
    </message>
    <message>
        <source>%1 by %2 from %3, request %4</source>
        <translation>%1 durch %2 von %3 aus, Anfrage %4</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Nachher</translation>
    </message>
    <message>
        <source>Changes of the record</source>
        <translation>Änderungen des Eintrags</translation>
    </message>
    <message>
        <source>%1 %2: before %3, after %4</source>
        <translation>%1 %2: vorher %3, nachher %4</translation>
    </message>
    <message>
        <source>This record changed nothing that has a before and after (a read, a sign-in or a denial).</source>
        <translation>Dieser Eintrag hat nichts geändert, das ein Vorher und Nachher hat (ein Lesezugriff, eine Anmeldung oder eine Verweigerung).</translation>
    </message>
</context>
<context>
    <name>AccessKeysTab</name>
    <message>
        <source>API keys act with the owner&apos;s role, narrowed to their scopes.</source>
        <translation>API-Schlüssel handeln mit der Rolle ihres Eigentümers, eingeschränkt auf ihre Scopes.</translation>
    </message>
    <message>
        <source>New API key…</source>
        <translation>Neuer API-Schlüssel …</translation>
    </message>
    <message>
        <source>Create an API key</source>
        <translation>API-Schlüssel anlegen</translation>
    </message>
    <message>
        <source>API keys</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Key %1 (%2…), %3, scopes %4</source>
        <translation>Schlüssel %1 (%2…), %3, Scopes %4</translation>
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
        <translation>%1 · Ablauf: %2 · zuletzt verwendet: %3</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>Widerrufen …</translation>
    </message>
    <message>
        <source>Revoke the key %1</source>
        <translation>Schlüssel %1 widerrufen</translation>
    </message>
    <message>
        <source>No API keys yet. Create one for a script or a service that calls the API.</source>
        <translation>Noch keine API-Schlüssel. Legen Sie einen für ein Skript oder einen Dienst an, der die API aufruft.</translation>
    </message>
    <message>
        <source>No API keys yet.</source>
        <translation>Noch keine API-Schlüssel.</translation>
    </message>
    <message>
        <source>Retry loading the API keys</source>
        <translation>API-Schlüssel erneut laden</translation>
    </message>
    <message>
        <source>Revoke the key %1?</source>
        <translation>Schlüssel %1 widerrufen?</translation>
    </message>
    <message>
        <source>Revoke</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>Every request with the key %1… is refused from now on: whatever uses it loses %2, and its open live connections are closed. This cannot be undone; a new key would have to be created and given to it.</source>
        <translation>Jede Anfrage mit dem Schlüssel %1… wird ab sofort abgelehnt: Was ihn verwendet, verliert %2, und seine offenen Live-Verbindungen werden geschlossen. Das lässt sich nicht rückgängig machen; es müsste ein neuer Schlüssel angelegt und dort hinterlegt werden.</translation>
    </message>
    <message>
        <source>New API key</source>
        <translation>Neuer API-Schlüssel</translation>
    </message>
    <message>
        <source>Name (where it is used: ci, deploy bot…)</source>
        <translation>Name (wo er verwendet wird: ci, deploy bot …)</translation>
    </message>
    <message>
        <source>Key name</source>
        <translation>Schlüsselname</translation>
    </message>
    <message>
        <source>Key expiry</source>
        <translation>Ablauf des Schlüssels</translation>
    </message>
    <message>
        <source>Scopes (%1 picked); you can only give what you hold yourself</source>
        <translation>Scopes (%1 gewählt); Sie können nur vergeben, was Sie selbst besitzen</translation>
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
        <translation>%1 — %2 (besitzen Sie nicht)</translation>
    </message>
    <message>
        <source>Scope %1</source>
        <translation>Scope %1</translation>
    </message>
    <message>
        <source>The backend lists no permissions.</source>
        <translation>Das Backend listet keine Berechtigungen.</translation>
    </message>
    <message>
        <source>Retry loading the permissions</source>
        <translation>Berechtigungen erneut laden</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Anlegen</translation>
    </message>
    <message>
        <source>Create the key</source>
        <translation>Schlüssel anlegen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel creating a key</source>
        <translation>Anlegen des Schlüssels abbrechen</translation>
    </message>
    <message>
        <source>Your new API key %1</source>
        <translation>Ihr neuer API-Schlüssel %1</translation>
    </message>
    <message>
        <source>Copy it now: you will not see it again. Meshdeck keeps only its prefix; if it is lost, revoke it and create another.</source>
        <translation>Kopieren Sie ihn jetzt: Sie werden ihn nicht noch einmal sehen. Meshdeck speichert nur sein Präfix; geht er verloren, widerrufen Sie ihn und legen Sie einen neuen an.</translation>
    </message>
    <message>
        <source>The new API key</source>
        <translation>Der neue API-Schlüssel</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the key</source>
        <translation>Schlüssel kopieren</translation>
    </message>
    <message>
        <source>Copied to the clipboard.</source>
        <translation>In die Zwischenablage kopiert.</translation>
    </message>
    <message>
        <source>I have copied it</source>
        <translation>Ich habe ihn kopiert</translation>
    </message>
    <message>
        <source>Close the key</source>
        <translation>Schlüssel schließen</translation>
    </message>
</context>
<context>
    <name>AccessPage</name>
    <message>
        <source>Access</source>
        <translation>Zugriff</translation>
    </message>
    <message>
        <source>Signed in as %1 (%2)</source>
        <translation>Angemeldet als %1 (%2)</translation>
    </message>
    <message>
        <source>Users, teams, API keys, permissions and the audit log</source>
        <translation>Benutzer, Teams, API-Schlüssel, Berechtigungen und das Audit-Log</translation>
    </message>
    <message>
        <source>Access sections</source>
        <translation>Bereiche der Zugriffsverwaltung</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Teams</source>
        <translation>Teams</translation>
    </message>
    <message>
        <source>API keys</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Permission simulator</source>
        <translation>Berechtigungssimulator</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>Audit-Log</translation>
    </message>
    <message>
        <source>Your role may not manage users, teams, API keys or read the audit log here.</source>
        <translation>Ihre Rolle darf hier weder Benutzer, Teams oder API-Schlüssel verwalten noch das Audit-Log lesen.</translation>
    </message>
</context>
<context>
    <name>AccessSimulatorTab</name>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>Principal to simulate</source>
        <translation>Zu simulierender Akteur</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Action to simulate</source>
        <translation>Zu simulierende Aktion</translation>
    </message>
    <message>
        <source>Resource</source>
        <translation>Ressource</translation>
    </message>
    <message>
        <source>Optional, such as topic:orders</source>
        <translation>Optional, etwa topic:orders</translation>
    </message>
    <message>
        <source>Resource to simulate</source>
        <translation>Zu simulierende Ressource</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>Check the permission</source>
        <translation>Berechtigung prüfen</translation>
    </message>
    <message>
        <source>Allowed, on the documents that grant it</source>
        <translation>Erlaubt, für die Dokumente, die es gewähren</translation>
    </message>
    <message>
        <source>Allowed</source>
        <translation>Erlaubt</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Verweigert</translation>
    </message>
    <message>
        <source>Reasons</source>
        <translation>Gründe</translation>
    </message>
    <message>
        <source>%1 rule %2: %3</source>
        <translation>%1 Regel %2: %3</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>erfüllt</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>nicht erfüllt</translation>
    </message>
    <message>
        <source>Pick who, what and optionally on which resource, then Check: the verdict and every rule behind it appear here.</source>
        <translation>Wählen Sie wer, was und optional auf welcher Ressource, dann „Prüfen“: Das Ergebnis und jede Regel dahinter erscheinen hier.</translation>
    </message>
    <message>
        <source>Check the permission again</source>
        <translation>Berechtigung erneut prüfen</translation>
    </message>
</context>
<context>
    <name>AccessTeamsTab</name>
    <message>
        <source>New team name</source>
        <translation>Name des neuen Teams</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Anlegen</translation>
    </message>
    <message>
        <source>Create the team</source>
        <translation>Team anlegen</translation>
    </message>
    <message>
        <source>Teams</source>
        <translation>Teams</translation>
    </message>
    <message numerus="yes">
        <source>%1 (%n member(s))</source>
        <translation>
            <numerusform>%1 (%n Mitglied)</numerusform>
            <numerusform>%1 (%n Mitglieder)</numerusform>
        </translation>
    </message>
    <message>
        <source>No teams yet. A team shares topics, sites and rooms among its members.</source>
        <translation>Noch keine Teams. Ein Team teilt Topics, Sites und Räume unter seinen Mitgliedern.</translation>
    </message>
    <message>
        <source>You are in no team yet.</source>
        <translation>Sie sind noch in keinem Team.</translation>
    </message>
    <message>
        <source>Retry loading the teams</source>
        <translation>Teams erneut laden</translation>
    </message>
    <message>
        <source>Select a team to see and change its members.</source>
        <translation>Wählen Sie ein Team, um seine Mitglieder zu sehen und zu ändern.</translation>
    </message>
    <message>
        <source>Members of %1</source>
        <translation>Mitglieder von %1</translation>
    </message>
    <message>
        <source>User to add</source>
        <translation>Hinzuzufügender Benutzer</translation>
    </message>
    <message>
        <source>Team roles, comma-separated</source>
        <translation>Teamrollen, durch Kommas getrennt</translation>
    </message>
    <message>
        <source>Team roles of the user to add</source>
        <translation>Teamrollen des hinzuzufügenden Benutzers</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Add the user to the team</source>
        <translation>Benutzer zum Team hinzufügen</translation>
    </message>
    <message>
        <source>Invite by email address</source>
        <translation>Per E-Mail-Adresse einladen</translation>
    </message>
    <message>
        <source>Email address to invite</source>
        <translation>Einzuladende E-Mail-Adresse</translation>
    </message>
    <message>
        <source>Team roles of the invitation</source>
        <translation>Teamrollen der Einladung</translation>
    </message>
    <message>
        <source>Invite</source>
        <translation>Einladen</translation>
    </message>
    <message>
        <source>Invite to the team</source>
        <translation>In das Team einladen</translation>
    </message>
    <message>
        <source>%1, %2, joined %3</source>
        <translation>%1, %2, beigetreten %3</translation>
    </message>
    <message>
        <source>%1 · %2 · joined %3</source>
        <translation>%1 · %2 · beigetreten %3</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>Entfernen …</translation>
    </message>
    <message>
        <source>Remove %1 from the team</source>
        <translation>%1 aus dem Team entfernen</translation>
    </message>
    <message>
        <source>%1 leaves %2: what the team&apos;s permissions gave them (its topics, sites and rooms) is no longer theirs, from their next request on.</source>
        <translation>%1 verlässt %2: Was die Berechtigungen des Teams gewährt haben (seine Topics, Sites und Räume), steht ab der nächsten Anfrage nicht mehr zur Verfügung.</translation>
    </message>
    <message>
        <source>This team has no members.</source>
        <translation>Dieses Team hat keine Mitglieder.</translation>
    </message>
    <message>
        <source>Retry loading the members</source>
        <translation>Mitglieder erneut laden</translation>
    </message>
    <message>
        <source>Remove from %1?</source>
        <translation>Aus %1 entfernen?</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Invitation for %1</source>
        <translation>Einladung für %1</translation>
    </message>
    <message>
        <source>No mail is sent: give this token to %1 yourself. You will not see it again.</source>
        <translation>Es wird keine E-Mail verschickt: Geben Sie dieses Token selbst an %1 weiter. Sie werden es nicht noch einmal sehen.</translation>
    </message>
    <message>
        <source>The invitation token</source>
        <translation>Das Einladungstoken</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the invitation token</source>
        <translation>Einladungstoken kopieren</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Close the invitation</source>
        <translation>Einladung schließen</translation>
    </message>
</context>
<context>
    <name>AccessUsersTab</name>
    <message>
        <source>Search by email or name</source>
        <translation>Nach E-Mail oder Name suchen</translation>
    </message>
    <message>
        <source>Search users</source>
        <translation>Benutzer suchen</translation>
    </message>
    <message>
        <source>New user…</source>
        <translation>Neuer Benutzer …</translation>
    </message>
    <message>
        <source>Create a user</source>
        <translation>Benutzer anlegen</translation>
    </message>
    <message>
        <source>Filter users by role</source>
        <translation>Benutzer nach Rolle filtern</translation>
    </message>
    <message>
        <source>Filter users by status</source>
        <translation>Benutzer nach Status filtern</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Benutzer</translation>
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
        <translation>%1 · %2 · letzte Anmeldung: %3</translation>
    </message>
    <message>
        <source>No user matches these filters.</source>
        <translation>Kein Benutzer passt zu diesen Filtern.</translation>
    </message>
    <message>
        <source>No users yet. The admin token works without one; create users for the people who sign in.</source>
        <translation>Noch keine Benutzer. Das Admin-Token funktioniert ohne; legen Sie Benutzer für die Personen an, die sich anmelden.</translation>
    </message>
    <message>
        <source>Retry loading the users</source>
        <translation>Benutzer erneut laden</translation>
    </message>
    <message>
        <source>Select a user to see their sessions and change their access.</source>
        <translation>Wählen Sie einen Benutzer, um seine Sitzungen zu sehen und seinen Zugriff zu ändern.</translation>
    </message>
    <message>
        <source>Role of %1</source>
        <translation>Rolle von %1</translation>
    </message>
    <message>
        <source>%1 becomes %2: from their next request on they may do what that role may, and no more.</source>
        <translation>%1 wird %2: Ab der nächsten Anfrage darf dieses Konto, was diese Rolle darf, und nicht mehr.</translation>
    </message>
    <message>
        <source>Disable…</source>
        <translation>Deaktivieren …</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Aktivieren</translation>
    </message>
    <message>
        <source>Disable %1</source>
        <translation>%1 deaktivieren</translation>
    </message>
    <message>
        <source>Enable %1</source>
        <translation>%1 aktivieren</translation>
    </message>
    <message>
        <source>%1 can no longer sign in. Their sessions end now, their API keys stop working and their live views are closed. You can enable them again.</source>
        <translation>%1 kann sich nicht mehr anmelden. Die Sitzungen des Kontos enden sofort, seine API-Schlüssel funktionieren nicht mehr und seine Live-Ansichten werden geschlossen. Sie können das Konto wieder aktivieren.</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Neues Passwort</translation>
    </message>
    <message>
        <source>New password for %1</source>
        <translation>Neues Passwort für %1</translation>
    </message>
    <message>
        <source>Reset password…</source>
        <translation>Passwort zurücksetzen …</translation>
    </message>
    <message>
        <source>Reset the password of %1</source>
        <translation>Passwort von %1 zurücksetzen</translation>
    </message>
    <message>
        <source>The password of %1 is replaced and every session they have ends: each of their devices must sign in again.</source>
        <translation>Das Passwort von %1 wird ersetzt und jede Sitzung des Kontos endet: Jedes seiner Geräte muss sich erneut anmelden.</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sitzungen</translation>
    </message>
    <message>
        <source>Revoke all…</source>
        <translation>Alle widerrufen …</translation>
    </message>
    <message>
        <source>Revoke every session of %1</source>
        <translation>Jede Sitzung von %1 widerrufen</translation>
    </message>
    <message>
        <source>Every session of %1 ends now: each of their devices must sign in again. Their API keys keep working.</source>
        <translation>Jede Sitzung von %1 endet sofort: Jedes Gerät des Kontos muss sich erneut anmelden. Seine API-Schlüssel funktionieren weiter.</translation>
    </message>
    <message>
        <source>Sessions of %1</source>
        <translation>Sitzungen von %1</translation>
    </message>
    <message>
        <source>Session from %1, %2, last used %3</source>
        <translation>Sitzung von %1, %2, zuletzt verwendet: %3</translation>
    </message>
    <message>
        <source>%1 · %2%3</source>
        <translation>%1 · %2%3</translation>
    </message>
    <message>
        <source> (this console)</source>
        <translation> (diese Konsole)</translation>
    </message>
    <message>
        <source>signed in %1 · last used %2 · expires %3</source>
        <translation>angemeldet: %1 · zuletzt verwendet: %2 · Ablauf: %3</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>Widerrufen …</translation>
    </message>
    <message>
        <source>Revoke the session from %1</source>
        <translation>Sitzung von %1 widerrufen</translation>
    </message>
    <message>
        <source>The session from %1 (%2) ends now: that device must sign in again.</source>
        <translation>Die Sitzung von %1 (%2) endet sofort: Dieses Gerät muss sich erneut anmelden.</translation>
    </message>
    <message>
        <source>No open sessions: this user is signed in nowhere.</source>
        <translation>Keine offenen Sitzungen: Dieser Benutzer ist nirgends angemeldet.</translation>
    </message>
    <message>
        <source>Retry loading the sessions</source>
        <translation>Sitzungen erneut laden</translation>
    </message>
    <message>
        <source>Disable %1?</source>
        <translation>%1 deaktivieren?</translation>
    </message>
    <message>
        <source>Change the role of %1?</source>
        <translation>Rolle von %1 ändern?</translation>
    </message>
    <message>
        <source>Reset the password of %1?</source>
        <translation>Passwort von %1 zurücksetzen?</translation>
    </message>
    <message>
        <source>Revoke sessions of %1?</source>
        <translation>Sitzungen von %1 widerrufen?</translation>
    </message>
    <message>
        <source>New user</source>
        <translation>Neuer Benutzer</translation>
    </message>
    <message>
        <source>Email address</source>
        <translation>E-Mail-Adresse</translation>
    </message>
    <message>
        <source>Email address of the new user</source>
        <translation>E-Mail-Adresse des neuen Benutzers</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Name of the new user</source>
        <translation>Name des neuen Benutzers</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>Password of the new user</source>
        <translation>Passwort des neuen Benutzers</translation>
    </message>
    <message>
        <source>Role of the new user</source>
        <translation>Rolle des neuen Benutzers</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Anlegen</translation>
    </message>
    <message>
        <source>Create the user</source>
        <translation>Benutzer anlegen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel creating a user</source>
        <translation>Anlegen des Benutzers abbrechen</translation>
    </message>
</context>
<context>
    <name>CertificateDialog</name>
    <message>
        <source>Trust this certificate?</source>
        <translation>Diesem Zertifikat vertrauen?</translation>
    </message>
    <message>
        <source>%1 presented a certificate that no authority this system trusts has signed. Compare the key fingerprint with the one its administrator gives you before you trust it.</source>
        <translation>%1 hat ein Zertifikat vorgelegt, das keine Zertifizierungsstelle signiert hat, der dieses System vertraut. Vergleichen Sie den Fingerabdruck des Schlüssels mit dem, den Ihnen die Administration des Servers nennt, bevor Sie ihm vertrauen.</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Inhaber</translation>
    </message>
    <message>
        <source>Issuer</source>
        <translation>Aussteller</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>Gültig</translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>%1 bis %2</translation>
    </message>
    <message>
        <source>Key (SPKI SHA-256)</source>
        <translation>Schlüssel (SPKI SHA-256)</translation>
    </message>
    <message>
        <source>Trust and connect</source>
        <translation>Vertrauen und verbinden</translation>
    </message>
    <message>
        <source>Trust this certificate and connect</source>
        <translation>Diesem Zertifikat vertrauen und verbinden</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Do not trust this certificate</source>
        <translation>Diesem Zertifikat nicht vertrauen</translation>
    </message>
</context>
<context>
    <name>ChatConversation</name>
    <message>
        <source>Pick a room to read its conversation.</source>
        <translation>Wählen Sie einen Raum, um seine Unterhaltung zu lesen.</translation>
    </message>
    <message>
        <source>%1 (private)</source>
        <translation>%1 (privat)</translation>
    </message>
    <message>
        <source>Read as support, recorded with the reason: %1</source>
        <translation>Als Support gelesen, aufgezeichnet mit dem Grund: %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Loading older messages…</source>
        <translation>Ältere Nachrichten werden geladen …</translation>
    </message>
    <message>
        <source>Older messages</source>
        <translation>Ältere Nachrichten</translation>
    </message>
    <message>
        <source>Load older messages</source>
        <translation>Ältere Nachrichten laden</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>%1 at %2: message deleted</source>
        <translation>%1 um %2: Nachricht gelöscht</translation>
    </message>
    <message>
        <source>%1 at %2: %3</source>
        <translation>%1 um %2: %3</translation>
    </message>
    <message>
        <source>%1 · %2 · edited %3</source>
        <translation>%1 · %2 · bearbeitet %3</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>↪ %1: (deleted message)</source>
        <translation>↪ %1: (gelöschte Nachricht)</translation>
    </message>
    <message>
        <source>↪ %1: %2</source>
        <translation>↪ %1: %2</translation>
    </message>
    <message>
        <source>This message was deleted (%1).</source>
        <translation>Diese Nachricht wurde gelöscht (%1).</translation>
    </message>
    <message>
        <source>No messages in this room yet.</source>
        <translation>Noch keine Nachrichten in diesem Raum.</translation>
    </message>
    <message>
        <source>Retry loading the messages</source>
        <translation>Nachrichten erneut laden</translation>
    </message>
    <message>
        <source>Jump to the latest messages</source>
        <translation>Zu den neuesten Nachrichten springen</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen …</translation>
    </message>
    <message>
        <source>Delete the message of %1 from %2: %3</source>
        <translation>Nachricht von %1 vom %2 löschen: %3</translation>
    </message>
    <message>
        <source>Delete this message?</source>
        <translation>Diese Nachricht löschen?</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>The message of %1 from %2 is deleted for everyone: its text leaves the room, search, reports and replies, and a note that you deleted it stays in its place. This cannot be undone.</source>
        <translation>Die Nachricht von %1 vom %2 wird für alle gelöscht: Ihr Text verschwindet aus dem Raum, der Suche, den Meldungen und den Antworten, und an ihrer Stelle bleibt ein Hinweis, dass Sie sie gelöscht haben. Das lässt sich nicht rückgängig machen.</translation>
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
        <translation>Räume, Unterhaltungen, Suche, Meldungen und Einladungen</translation>
    </message>
    <message>
        <source>Chat sections</source>
        <translation>Bereiche des Chats</translation>
    </message>
    <message>
        <source>Rooms</source>
        <translation>Räume</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suche</translation>
    </message>
    <message>
        <source>Reports (%1)</source>
        <translation>Meldungen (%1)</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Meldungen</translation>
    </message>
    <message>
        <source>Why do you need to read %1?</source>
        <translation>Warum müssen Sie %1 lesen?</translation>
    </message>
    <message>
        <source>%1 is a private room you are not a participant of. Your read is recorded with your name, the reason and the messages you see, and the room&apos;s owners can see that record.</source>
        <translation>%1 ist ein privater Raum, an dem Sie nicht teilnehmen. Ihr Lesezugriff wird mit Ihrem Namen, dem Grund und den Nachrichten, die Sie sehen, aufgezeichnet, und die Eigentümer des Raums können diese Aufzeichnung sehen.</translation>
    </message>
    <message>
        <source>Reason (ticket number, report…)</source>
        <translation>Grund (Ticketnummer, Meldung …)</translation>
    </message>
    <message>
        <source>Reason for reading the room</source>
        <translation>Grund für das Lesen des Raums</translation>
    </message>
    <message>
        <source>Read and record</source>
        <translation>Lesen und aufzeichnen</translation>
    </message>
    <message>
        <source>Read the room with this reason</source>
        <translation>Raum mit diesem Grund lesen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Do not read the room</source>
        <translation>Raum nicht lesen</translation>
    </message>
    <message>
        <source>Why do you need to read the reported messages?</source>
        <translation>Warum müssen Sie die gemeldeten Nachrichten lesen?</translation>
    </message>
    <message>
        <source>Some reports come from private rooms you are not a participant of. Reading their text is recorded for each room with your name, the reason and the messages you see, and the rooms&apos; owners can see that record.</source>
        <translation>Einige Meldungen stammen aus privaten Räumen, an denen Sie nicht teilnehmen. Das Lesen ihres Textes wird für jeden Raum mit Ihrem Namen, dem Grund und den gesehenen Nachrichten protokolliert, und die Besitzer der Räume sehen dieses Protokoll.</translation>
    </message>
</context>
<context>
    <name>ChatReports</name>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Open reports</source>
        <translation>Offene Meldungen</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <source>Resolved reports</source>
        <translation>Erledigte Meldungen</translation>
    </message>
    <message>
        <source>Reported messages</source>
        <translation>Gemeldete Nachrichten</translation>
    </message>
    <message>
        <source>Report by %1 in %2 at %3: %4</source>
        <translation>Meldung von %1 in %2 um %3: %4</translation>
    </message>
    <message>
        <source>%1 · %2 reported in %3: %4</source>
        <translation>%1 · %2 hat in %3 gemeldet: %4</translation>
    </message>
    <message>
        <source>%1: (deleted)</source>
        <translation>%1: (gelöscht)</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Open in room</source>
        <translation>Im Raum öffnen</translation>
    </message>
    <message>
        <source>Open report of %1 in its room</source>
        <translation>Meldung von %1 in ihrem Raum öffnen</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>Erledigen</translation>
    </message>
    <message>
        <source>Resolve report of %1</source>
        <translation>Meldung von %1 erledigen</translation>
    </message>
    <message>
        <source>No open reports.</source>
        <translation>Keine offenen Meldungen.</translation>
    </message>
    <message>
        <source>No resolved reports.</source>
        <translation>Keine erledigten Meldungen.</translation>
    </message>
    <message>
        <source>Retry loading the reports</source>
        <translation>Meldungen erneut laden</translation>
    </message>
    <message>
        <source>Private rooms&apos; text shown, recorded with the reason: %1</source>
        <translation>Text privater Räume angezeigt, protokolliert mit dem Grund: %1</translation>
    </message>
    <message>
        <source>From a private room you are not in: its text is shown once you give a reason, and that read is recorded.</source>
        <translation>Aus einem privaten Raum, an dem Sie nicht teilnehmen: Der Text wird angezeigt, sobald Sie einen Grund angeben; dieses Lesen wird protokolliert.</translation>
    </message>
    <message>
        <source>Show text…</source>
        <translation>Text anzeigen …</translation>
    </message>
    <message>
        <source>Show the text of reports from private rooms, with a reason</source>
        <translation>Text der Meldungen aus privaten Räumen mit Grund anzeigen</translation>
    </message>
</context>
<context>
    <name>ChatRoomPanel</name>
    <message>
        <source>Room details</source>
        <translation>Raumdetails</translation>
    </message>
    <message>
        <source>Invitations</source>
        <translation>Einladungen</translation>
    </message>
    <message>
        <source>Support reads</source>
        <translation>Support-Lesezugriffe</translation>
    </message>
    <message>
        <source>Invitation expiry</source>
        <translation>Ablauf der Einladung</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 Stunde</translation>
    </message>
    <message>
        <source>1 day</source>
        <translation>1 Tag</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7 Tage</translation>
    </message>
    <message>
        <source>Maximum uses</source>
        <translation>Maximale Nutzungen</translation>
    </message>
    <message>
        <source>Invite</source>
        <translation>Einladen</translation>
    </message>
    <message>
        <source>Create an invitation</source>
        <translation>Einladung anlegen</translation>
    </message>
    <message>
        <source>Invitations to this room</source>
        <translation>Einladungen in diesen Raum</translation>
    </message>
    <message>
        <source>Invitation %1: %2, %3, expires %4</source>
        <translation>Einladung %1: %2, %3, Ablauf: %4</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>expires %1</source>
        <translation>Ablauf: %1</translation>
    </message>
    <message>
        <source>QR code</source>
        <translation>QR-Code</translation>
    </message>
    <message>
        <source>Show the QR code of invitation %1</source>
        <translation>QR-Code der Einladung %1 anzeigen</translation>
    </message>
    <message>
        <source>Revoke</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>Revoke invitation %1</source>
        <translation>Einladung %1 widerrufen</translation>
    </message>
    <message>
        <source>No invitations to this room.</source>
        <translation>Keine Einladungen in diesen Raum.</translation>
    </message>
    <message>
        <source>Retry loading the invitations</source>
        <translation>Einladungen erneut laden</translation>
    </message>
    <message>
        <source>QR code of the invitation link %1</source>
        <translation>QR-Code des Einladungslinks %1</translation>
    </message>
    <message>
        <source>Loading the QR code…</source>
        <translation>QR-Code wird geladen …</translation>
    </message>
    <message>
        <source>Invitation link</source>
        <translation>Einladungslink</translation>
    </message>
    <message>
        <source>Support reads of this room</source>
        <translation>Support-Lesezugriffe auf diesen Raum</translation>
    </message>
    <message>
        <source>%1 read %2 message(s) at %3: %4</source>
        <translation>%1 hat um %3 %2 Nachricht(en) gelesen: %4</translation>
    </message>
    <message numerus="yes">
        <source>%1 · %2 · %n message(s)</source>
        <translation>
            <numerusform>%1 · %2 · %n Nachricht</numerusform>
            <numerusform>%1 · %2 · %n Nachrichten</numerusform>
        </translation>
    </message>
    <message>
        <source>Nobody has read this room as support.</source>
        <translation>Niemand hat diesen Raum als Support gelesen.</translation>
    </message>
    <message>
        <source>Retry loading the support reads</source>
        <translation>Support-Lesezugriffe erneut laden</translation>
    </message>
    <message>
        <source>Revoke the invitation?</source>
        <translation>Einladung widerrufen?</translation>
    </message>
</context>
<context>
    <name>ChatRooms</name>
    <message>
        <source>Chat rooms</source>
        <translation>Chaträume</translation>
    </message>
    <message>
        <source>Room %1%2, %3 unread, %4 of %5 online</source>
        <translation>Raum %1%2, %3 ungelesen, %4 von %5 online</translation>
    </message>
    <message>
        <source> (private)</source>
        <translation> (privat)</translation>
    </message>
    <message>
        <source>demo</source>
        <translation>Demo</translation>
    </message>
    <message>
        <source>No messages yet</source>
        <translation>Noch keine Nachrichten</translation>
    </message>
    <message>
        <source>Not a participant</source>
        <translation>Kein Teilnehmer</translation>
    </message>
    <message>
        <source>%1 · %2 of %3 online</source>
        <translation>%1 · %2 von %3 online</translation>
    </message>
    <message>
        <source>No rooms you may read yet.</source>
        <translation>Noch keine Räume, die Sie lesen dürfen.</translation>
    </message>
    <message>
        <source>Retry loading the rooms</source>
        <translation>Räume erneut laden</translation>
    </message>
    <message>
        <source>More rooms</source>
        <translation>Weitere Räume</translation>
    </message>
    <message>
        <source>Load more rooms</source>
        <translation>Weitere Räume laden</translation>
    </message>
    <message>
        <source>%1 (private)</source>
        <translation>%1 (privat)</translation>
    </message>
</context>
<context>
    <name>ChatSearch</name>
    <message>
        <source>Search messages (at least two characters)</source>
        <translation>Nachrichten durchsuchen (mindestens zwei Zeichen)</translation>
    </message>
    <message>
        <source>Search messages</source>
        <translation>Nachrichten durchsuchen</translation>
    </message>
    <message>
        <source>Reason, to include private rooms (recorded)</source>
        <translation>Grund, um private Räume einzubeziehen (wird aufgezeichnet)</translation>
    </message>
    <message>
        <source>Reason for searching private rooms</source>
        <translation>Grund für die Suche in privaten Räumen</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Search the chat</source>
        <translation>Chat durchsuchen</translation>
    </message>
    <message>
        <source>Search hits</source>
        <translation>Suchtreffer</translation>
    </message>
    <message>
        <source>%1 in %2 at %3: %4</source>
        <translation>%1 in %2 um %3: %4</translation>
    </message>
    <message>
        <source>%1 · %2 · %3</source>
        <translation>%1 · %2 · %3</translation>
    </message>
    <message>
        <source>%1 (private)</source>
        <translation>%1 (privat)</translation>
    </message>
    <message>
        <source>No message matches.</source>
        <translation>Keine Nachricht passt.</translation>
    </message>
    <message>
        <source>Retry the search</source>
        <translation>Suche wiederholen</translation>
    </message>
</context>
<context>
    <name>ClusterBand</name>
    <message>
        <source>Attached to %1: %2</source>
        <translation>Verbunden mit %1: %2</translation>
    </message>
    <message>
        <source>node %1 (%2 of %3)</source>
        <translation>Knoten %1 (%2 von %3)</translation>
    </message>
    <message>
        <source>Signed in as %1 (%2)</source>
        <translation>Angemeldet als %1 (%2)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <source>Sign out of %1</source>
        <translation>Von %1 abmelden</translation>
    </message>
</context>
<context>
    <name>ClusterProfile</name>
    <message>
        <source>Give the profile a name.</source>
        <translation>Geben Sie dem Profil einen Namen.</translation>
    </message>
    <message>
        <source>Add at least one node URL, for example https://node1.example:7700.</source>
        <translation>Geben Sie mindestens eine Knoten-URL an, zum Beispiel https://node1.example:7700.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a node URL: write it as http://HOST:PORT or https://HOST:PORT.</source>
        <translation>„%1“ ist keine Knoten-URL: Schreiben Sie sie als http://HOST:PORT oder https://HOST:PORT.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; has a path, query or fragment: give only the scheme, host and port.</source>
        <translation>„%1“ enthält einen Pfad, eine Abfrage oder ein Fragment: Geben Sie nur Schema, Host und Port an.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a colour: use a name or #RRGGBB.</source>
        <translation>„%1“ ist keine Farbe: Verwenden Sie einen Namen oder #RRGGBB.</translation>
    </message>
    <message>
        <source>Choose the CA certificate file (PEM) that issued the nodes&apos; certificates.</source>
        <translation>Wählen Sie die CA-Zertifikatsdatei (PEM), die die Zertifikate der Knoten ausgestellt hat.</translation>
    </message>
    <message>
        <source>The CA file %1 cannot be read.</source>
        <translation>Die CA-Datei %1 kann nicht gelesen werden.</translation>
    </message>
    <message>
        <source>The pin must be the base64 of a 32-byte SHA-256 of the certificate&apos;s public key (44 characters ending in &quot;=&quot;).</source>
        <translation>Der Pin muss das Base64 eines 32 Byte langen SHA-256 des öffentlichen Schlüssels des Zertifikats sein (44 Zeichen, endet auf „=“).</translation>
    </message>
    <message>
        <source>The backup pin must be the base64 of a 32-byte SHA-256 of a public key, or empty.</source>
        <translation>Der Ersatz-Pin muss das Base64 eines 32 Byte langen SHA-256 eines öffentlichen Schlüssels sein, oder leer.</translation>
    </message>
    <message>
        <source>Enter the email address you sign in with, for example ada@example.com.</source>
        <translation>Geben Sie die E-Mail-Adresse ein, mit der Sie sich anmelden, zum Beispiel ada@example.com.</translation>
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
        <translation>Lokaler Stack</translation>
    </message>
    <message>
        <source>Attached cluster</source>
        <translation>Verbundener Cluster</translation>
    </message>
    <message>
        <source>Cluster profiles…</source>
        <translation>Clusterprofile …</translation>
    </message>
    <message>
        <source>Manage cluster profiles</source>
        <translation>Clusterprofile verwalten</translation>
    </message>
</context>
<context>
    <name>ClustersDialog</name>
    <message>
        <source>Cluster profiles</source>
        <translation>Clusterprofile</translation>
    </message>
    <message>
        <source>Saved. The credential is in the keychain.</source>
        <translation>Gespeichert. Die Zugangsdaten liegen im Schlüsselbund.</translation>
    </message>
    <message>
        <source>Profile %1</source>
        <translation>Profil %1</translation>
    </message>
    <message>
        <source>No profile yet: fill in the form to add the first one.</source>
        <translation>Noch kein Profil: Füllen Sie das Formular aus, um das erste anzulegen.</translation>
    </message>
    <message>
        <source>New profile</source>
        <translation>Neues Profil</translation>
    </message>
    <message>
        <source>New cluster profile</source>
        <translation>Neues Clusterprofil</translation>
    </message>
    <message>
        <source>Edit profile</source>
        <translation>Profil bearbeiten</translation>
    </message>
    <message>
        <source>Name, for example Production</source>
        <translation>Name, zum Beispiel Produktion</translation>
    </message>
    <message>
        <source>Profile name</source>
        <translation>Profilname</translation>
    </message>
    <message>
        <source>Node URLs, one a line: https://node1.example:7700</source>
        <translation>Knoten-URLs, eine pro Zeile: https://node1.example:7700</translation>
    </message>
    <message>
        <source>Node URLs, one a line</source>
        <translation>Knoten-URLs, eine pro Zeile</translation>
    </message>
    <message>
        <source>Blue</source>
        <translation>Blau</translation>
    </message>
    <message>
        <source>Green</source>
        <translation>Grün</translation>
    </message>
    <message>
        <source>Amber</source>
        <translation>Bernstein</translation>
    </message>
    <message>
        <source>Red</source>
        <translation>Rot</translation>
    </message>
    <message>
        <source>Purple</source>
        <translation>Violett</translation>
    </message>
    <message>
        <source>Grey</source>
        <translation>Grau</translation>
    </message>
    <message>
        <source>Profile colour</source>
        <translation>Profilfarbe</translation>
    </message>
    <message>
        <source>The system&apos;s CAs (ask on first contact)</source>
        <translation>Die CAs des Systems (beim ersten Kontakt fragen)</translation>
    </message>
    <message>
        <source>The CA in a file</source>
        <translation>Die CA aus einer Datei</translation>
    </message>
    <message>
        <source>A pinned key (SPKI SHA-256)</source>
        <translation>Ein gepinnter Schlüssel (SPKI SHA-256)</translation>
    </message>
    <message>
        <source>Certificate trust</source>
        <translation>Zertifikatsvertrauen</translation>
    </message>
    <message>
        <source>CA certificate file (PEM), for example /etc/meshdeck/ca.pem</source>
        <translation>CA-Zertifikatsdatei (PEM), zum Beispiel /etc/meshdeck/ca.pem</translation>
    </message>
    <message>
        <source>CA file path</source>
        <translation>Pfad der CA-Datei</translation>
    </message>
    <message>
        <source>Pin: base64 SHA-256 of the public key</source>
        <translation>Pin: Base64-SHA-256 des öffentlichen Schlüssels</translation>
    </message>
    <message>
        <source>Pinned key</source>
        <translation>Gepinnter Schlüssel</translation>
    </message>
    <message>
        <source>Backup pin (optional, for a planned key change)</source>
        <translation>Ersatz-Pin (optional, für einen geplanten Schlüsselwechsel)</translation>
    </message>
    <message>
        <source>Backup pin</source>
        <translation>Ersatz-Pin</translation>
    </message>
    <message>
        <source>Admin token</source>
        <translation>Admin-Token</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Credential kind</source>
        <translation>Art der Zugangsdaten</translation>
    </message>
    <message>
        <source>The token or key (kept in the OS keychain)</source>
        <translation>Das Token oder der Schlüssel (im Schlüsselbund des Systems verwahrt)</translation>
    </message>
    <message>
        <source>Leave empty to keep the stored credential</source>
        <translation>Leer lassen, um die gespeicherten Zugangsdaten zu behalten</translation>
    </message>
    <message>
        <source>Credential</source>
        <translation>Zugangsdaten</translation>
    </message>
    <message>
        <source>Remove %1 and delete its credential from the keychain?</source>
        <translation>%1 entfernen und seine Zugangsdaten aus dem Schlüsselbund löschen?</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Save the profile</source>
        <translation>Profil speichern</translation>
    </message>
    <message>
        <source>Attach</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>Attach to this cluster</source>
        <translation>Mit diesem Cluster verbinden</translation>
    </message>
    <message>
        <source>Remove it</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>Entfernen …</translation>
    </message>
    <message>
        <source>Confirm removing this profile</source>
        <translation>Entfernen dieses Profils bestätigen</translation>
    </message>
    <message>
        <source>Remove this profile</source>
        <translation>Dieses Profil entfernen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Close the cluster profiles</source>
        <translation>Clusterprofile schließen</translation>
    </message>
    <message>
        <source>Saved. Attach to sign in.</source>
        <translation>Gespeichert. Verbinden Sie sich, um sich anzumelden.</translation>
    </message>
    <message>
        <source>Email and password (sign in)</source>
        <translation>E-Mail und Passwort (Anmeldung)</translation>
    </message>
    <message>
        <source>Email address you sign in with</source>
        <translation>E-Mail-Adresse, mit der Sie sich anmelden</translation>
    </message>
    <message>
        <source>Email address for signing in</source>
        <translation>E-Mail-Adresse für die Anmeldung</translation>
    </message>
    <message>
        <source>You sign in when you attach; the password is never stored. The session is kept in the OS keychain until you sign out.</source>
        <translation>Sie melden sich beim Verbinden an; das Passwort wird nie gespeichert. Die Sitzung wird bis zur Abmeldung im Schlüsselbund des Systems verwahrt.</translation>
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
        <translation>Bestätigen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>DeploymentsListTab</name>
    <message>
        <source>Choose a site to see its deployments.</source>
        <translation>Wählen Sie eine Site, um ihre Deployments zu sehen.</translation>
    </message>
    <message>
        <source>Deploy from</source>
        <translation>Deployen aus</translation>
    </message>
    <message>
        <source>Git repository</source>
        <translation>Git-Repository</translation>
    </message>
    <message>
        <source>.tar.gz archive</source>
        <translation>.tar.gz-Archiv</translation>
    </message>
    <message>
        <source>Local directory</source>
        <translation>Lokales Verzeichnis</translation>
    </message>
    <message>
        <source>https://git.example.com/team/site.git</source>
        <translation>https://git.example.com/team/site.git</translation>
    </message>
    <message>
        <source>/path/to/site.tar.gz</source>
        <translation>/pfad/zu/site.tar.gz</translation>
    </message>
    <message>
        <source>/path/to/site</source>
        <translation>/pfad/zu/site</translation>
    </message>
    <message>
        <source>Git repository URL</source>
        <translation>URL des Git-Repositorys</translation>
    </message>
    <message>
        <source>Archive file</source>
        <translation>Archivdatei</translation>
    </message>
    <message>
        <source>Directory</source>
        <translation>Verzeichnis</translation>
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
        <translation>Deployen</translation>
    </message>
    <message>
        <source>No deployments yet: deploy from a git repository or an archive.</source>
        <translation>Noch keine Deployments: deployen Sie aus einem Git-Repository oder einem Archiv.</translation>
    </message>
    <message>
        <source>Retry loading the deployments</source>
        <translation>Deployments erneut laden</translation>
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
        <translation>Aktivieren</translation>
    </message>
    <message>
        <source>Activate %1</source>
        <translation>%1 aktivieren</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel %1</source>
        <translation>%1 abbrechen</translation>
    </message>
    <message>
        <source>Redeploy</source>
        <translation>Neu bauen</translation>
    </message>
    <message>
        <source>Redeploy %1</source>
        <translation>%1 neu bauen</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Delete %1</source>
        <translation>%1 löschen</translation>
    </message>
    <message>
        <source>Build log of %1</source>
        <translation>Build-Log von %1</translation>
    </message>
    <message>
        <source>Activate %1?</source>
        <translation>%1 aktivieren?</translation>
    </message>
    <message>
        <source>Cancel %1?</source>
        <translation>%1 abbrechen?</translation>
    </message>
    <message>
        <source>Redeploy %1?</source>
        <translation>%1 neu bauen?</translation>
    </message>
    <message>
        <source>Delete %1?</source>
        <translation>%1 löschen?</translation>
    </message>
    <message>
        <source>Cancel the build</source>
        <translation>Build abbrechen</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Choose the archive file</source>
        <translation>Archivdatei wählen</translation>
    </message>
    <message>
        <source>Choose the directory</source>
        <translation>Verzeichnis wählen</translation>
    </message>
    <message>
        <source>Choose the archive to deploy</source>
        <translation>Zu deployendes Archiv wählen</translation>
    </message>
    <message>
        <source>Gzip tarballs (*.tar.gz *.tgz)</source>
        <translation>Gzip-Tarballs (*.tar.gz *.tgz)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Choose the directory to deploy</source>
        <translation>Zu deployendes Verzeichnis wählen</translation>
    </message>
</context>
<context>
    <name>DeploymentsLogView</name>
    <message>
        <source>%1 of %2 lines</source>
        <translation>%1 von %2 Zeilen</translation>
    </message>
    <message>
        <source>%1 lines</source>
        <translation>%1 Zeilen</translation>
    </message>
    <message>
        <source>Regular expression</source>
        <translation>Regulärer Ausdruck</translation>
    </message>
    <message>
        <source>Filter lines</source>
        <translation>Zeilen filtern</translation>
    </message>
    <message>
        <source>Filter the log</source>
        <translation>Log filtern</translation>
    </message>
    <message>
        <source>Regex</source>
        <translation>Regex</translation>
    </message>
    <message>
        <source>Filter with a regular expression</source>
        <translation>Mit einem regulären Ausdruck filtern</translation>
    </message>
    <message>
        <source>First error</source>
        <translation>Erster Fehler</translation>
    </message>
    <message>
        <source>Jump to the first error</source>
        <translation>Zum ersten Fehler springen</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the shown lines</source>
        <translation>Angezeigte Zeilen kopieren</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>Speichern…</translation>
    </message>
    <message>
        <source>Save the log</source>
        <translation>Log speichern</translation>
    </message>
    <message>
        <source>Build log lines</source>
        <translation>Zeilen des Build-Logs</translation>
    </message>
    <message numerus="yes">
        <source>%n new line(s)</source>
        <translation>
            <numerusform>%n neue Zeile</numerusform>
            <numerusform>%n neue Zeilen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Follow the log: %n new line(s)</source>
        <translation>
            <numerusform>Log folgen: %n neue Zeile</numerusform>
            <numerusform>Log folgen: %n neue Zeilen</numerusform>
        </translation>
    </message>
    <message>
        <source>/path/to/build.log</source>
        <translation>/pfad/zu/build.log</translation>
    </message>
    <message>
        <source>File to save the log to</source>
        <translation>Datei, in die das Log gespeichert wird</translation>
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
        <translation>Sites, ihre unveränderlichen Deployments und Build-Logs, und die Build-Warteschlange.</translation>
    </message>
    <message>
        <source>No sites yet. Create one to deploy to it.</source>
        <translation>Noch keine Sites. Legen Sie eine an, um darauf zu deployen.</translation>
    </message>
    <message>
        <source>Retry loading the sites</source>
        <translation>Sites erneut laden</translation>
    </message>
    <message>
        <source>Sites</source>
        <translation>Sites</translation>
    </message>
    <message>
        <source>Site %1, serving %2</source>
        <translation>Site %1, liefert %2 aus</translation>
    </message>
    <message>
        <source>Site %1, nothing live</source>
        <translation>Site %1, nichts live</translation>
    </message>
    <message>
        <source>%1 · live %2</source>
        <translation>%1 · live %2</translation>
    </message>
    <message>
        <source>%1 · nothing live</source>
        <translation>%1 · nichts live</translation>
    </message>
    <message>
        <source>New site…</source>
        <translation>Neue Site…</translation>
    </message>
    <message>
        <source>Create a site</source>
        <translation>Site anlegen</translation>
    </message>
    <message>
        <source>Deployments sections</source>
        <translation>Bereiche der Deployments</translation>
    </message>
    <message>
        <source>Variables</source>
        <translation>Variablen</translation>
    </message>
    <message>
        <source>Queue and workers</source>
        <translation>Warteschlange und Worker</translation>
    </message>
    <message>
        <source>New site</source>
        <translation>Neue Site</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Site name</source>
        <translation>Name der Site</translation>
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
        <translation>wird erkannt, wenn leer</translation>
    </message>
    <message>
        <source>Build command</source>
        <translation>Build-Befehl</translation>
    </message>
    <message>
        <source>npm run build</source>
        <translation>npm run build</translation>
    </message>
    <message>
        <source>Output directory</source>
        <translation>Ausgabeverzeichnis</translation>
    </message>
    <message>
        <source>dist</source>
        <translation>dist</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Anlegen</translation>
    </message>
    <message>
        <source>Create the site</source>
        <translation>Site anlegen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel creating the site</source>
        <translation>Anlegen der Site abbrechen</translation>
    </message>
</context>
<context>
    <name>DeploymentsQueueTab</name>
    <message>
        <source>Nothing is queued or building.</source>
        <translation>Nichts wartet oder wird gebaut.</translation>
    </message>
    <message>
        <source>Retry loading the build queue</source>
        <translation>Build-Warteschlange erneut laden</translation>
    </message>
    <message>
        <source>Build queue</source>
        <translation>Build-Warteschlange</translation>
    </message>
    <message>
        <source>on %1</source>
        <translation>auf %1</translation>
    </message>
    <message>
        <source>waiting for a worker</source>
        <translation>wartet auf einen Worker</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>Worker</translation>
    </message>
    <message>
        <source>No build worker is registered: builds wait until one is.</source>
        <translation>Kein Build-Worker ist registriert: Builds warten, bis einer da ist.</translation>
    </message>
    <message>
        <source>Retry loading the build workers</source>
        <translation>Build-Worker erneut laden</translation>
    </message>
    <message>
        <source>Build workers</source>
        <translation>Build-Worker</translation>
    </message>
    <message>
        <source>building %1 of %2: %3</source>
        <translation>baut %1 von %2: %3</translation>
    </message>
    <message>
        <source>idle (0 of %1)</source>
        <translation>untätig (0 von %1)</translation>
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
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Building</source>
        <translation>Wird gebaut</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Wartet</translation>
    </message>
    <message>
        <source>Canceled</source>
        <translation>Abgebrochen</translation>
    </message>
</context>
<context>
    <name>DeploymentsVariablesTab</name>
    <message>
        <source>Choose a site to see its variables.</source>
        <translation>Wählen Sie eine Site, um ihre Variablen zu sehen.</translation>
    </message>
    <message>
        <source>No variables: builds see only their own environment.</source>
        <translation>Keine Variablen: Builds sehen nur ihre eigene Umgebung.</translation>
    </message>
    <message>
        <source>Retry loading the variables</source>
        <translation>Variablen erneut laden</translation>
    </message>
    <message>
        <source>Variables</source>
        <translation>Variablen</translation>
    </message>
    <message>
        <source>%1: secret, hidden</source>
        <translation>%1: geheim, verborgen</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>secret</source>
        <translation>geheim</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Delete the variable %1</source>
        <translation>Variable %1 löschen</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NAME</translation>
    </message>
    <message>
        <source>Variable name</source>
        <translation>Name der Variable</translation>
    </message>
    <message>
        <source>value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Variable value</source>
        <translation>Wert der Variable</translation>
    </message>
    <message>
        <source>Secret</source>
        <translation>Geheim</translation>
    </message>
    <message>
        <source>Secret: the value can be written, never read back</source>
        <translation>Geheim: der Wert kann geschrieben, aber nie wieder gelesen werden</translation>
    </message>
    <message>
        <source>Set</source>
        <translation>Setzen</translation>
    </message>
    <message>
        <source>Set the variable</source>
        <translation>Variable setzen</translation>
    </message>
</context>
<context>
    <name>EventsPage</name>
    <message>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <source>Live tail of %1</source>
        <translation>Live-Verlauf von %1</translation>
    </message>
    <message>
        <source>Topics and their live tails</source>
        <translation>Topics und ihr Live-Verlauf</translation>
    </message>
    <message>
        <source>Topics</source>
        <translation>Topics</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>No topics yet. Create one with POST /v1/events/topics.</source>
        <translation>Noch keine Topics. Legen Sie eines mit POST /v1/events/topics an.</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>Live</translation>
    </message>
    <message>
        <source>Not live</source>
        <translation>Nicht live</translation>
    </message>
    <message>
        <source>Filter by type, key or text</source>
        <translation>Nach Typ, Schlüssel oder Text filtern</translation>
    </message>
    <message>
        <source>Following</source>
        <translation>Folgt</translation>
    </message>
    <message numerus="yes">
        <source>%n new</source>
        <translation>
            <numerusform>%n neu</numerusform>
            <numerusform>%n neu</numerusform>
        </translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Angehalten</translation>
    </message>
    <message>
        <source>Select a topic to tail it.</source>
        <translation>Wählen Sie ein Topic, um seinen Verlauf zu sehen.</translation>
    </message>
    <message>
        <source>No event matches the filter.</source>
        <translation>Kein Ereignis passt zum Filter.</translation>
    </message>
    <message>
        <source>Waiting for events on %1…</source>
        <translation>Warte auf Ereignisse in %1…</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Select an event to see its payload.</source>
        <translation>Wählen Sie ein Ereignis, um seinen Inhalt zu sehen.</translation>
    </message>
    <message>
        <source>type, e.g. test.ping</source>
        <translation>Typ, z. B. test.ping</translation>
    </message>
    <message>
        <source>data as JSON, e.g. {&quot;hello&quot;: &quot;world&quot;}</source>
        <translation>Daten als JSON, z. B. {&quot;hallo&quot;: &quot;Welt&quot;}</translation>
    </message>
    <message>
        <source>Publish test event</source>
        <translation>Testereignis veröffentlichen</translation>
    </message>
    <message>
        <source>Publish</source>
        <translation>Veröffentlichen</translation>
    </message>
    <message>
        <source>Seek and replay</source>
        <translation>Springen und wiederholen</translation>
    </message>
    <message>
        <source>Consumer groups (%1)</source>
        <translation>Consumer-Gruppen (%1)</translation>
    </message>
    <message>
        <source>Webhooks (%1)</source>
        <translation>Webhooks (%1)</translation>
    </message>
    <message>
        <source>Seek to offset</source>
        <translation>Zu Offset springen</translation>
    </message>
    <message>
        <source>Seek</source>
        <translation>Springen</translation>
    </message>
    <message>
        <source>Replay offsets</source>
        <translation>Offsets wiederholen</translation>
    </message>
    <message>
        <source>up to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>into</source>
        <translation>nach</translation>
    </message>
    <message>
        <source>target topic</source>
        <translation>Ziel-Topic</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>No consumer group reads this topic yet.</source>
        <translation>Noch keine Consumer-Gruppe liest dieses Topic.</translation>
    </message>
    <message>
        <source>Send test</source>
        <translation>Test senden</translation>
    </message>
    <message>
        <source>No webhook delivers this topic. Add one with POST /v1/events/webhooks.</source>
        <translation>Kein Webhook liefert dieses Topic aus. Legen Sie einen mit POST /v1/events/webhooks an.</translation>
    </message>
    <message>
        <source>or to a time</source>
        <translation>oder zu einer Zeit</translation>
    </message>
    <message>
        <source>2026-11-21 10:00</source>
        <translation>2026-11-21 10:00</translation>
    </message>
    <message>
        <source>Refresh the topics</source>
        <translation>Topics neu laden</translation>
    </message>
    <message>
        <source>Topic %1: %2</source>
        <translation>Topic %1: %2</translation>
    </message>
    <message>
        <source>Retry loading the topics</source>
        <translation>Topics erneut laden</translation>
    </message>
    <message>
        <source>Filter the tail</source>
        <translation>Verlauf filtern</translation>
    </message>
    <message>
        <source>Text, or a field test such as data.user.id == 42</source>
        <translation>Text oder ein Feldvergleich wie data.user.id == 42</translation>
    </message>
    <message>
        <source>Follow new events</source>
        <translation>Neuen Ereignissen folgen</translation>
    </message>
    <message>
        <source>Events of %1</source>
        <translation>Ereignisse von %1</translation>
    </message>
    <message>
        <source>Event %1, %2, key %3</source>
        <translation>Ereignis %1, %2, Schlüssel %3</translation>
    </message>
    <message>
        <source>Close the event</source>
        <translation>Ereignis schließen</translation>
    </message>
    <message>
        <source>Copy the event&apos;s JSON</source>
        <translation>JSON des Ereignisses kopieren</translation>
    </message>
    <message>
        <source>Event payload</source>
        <translation>Inhalt des Ereignisses</translation>
    </message>
    <message>
        <source>Event tools</source>
        <translation>Ereigniswerkzeuge</translation>
    </message>
    <message>
        <source>Consumer groups (not loaded)</source>
        <translation>Consumer-Gruppen (nicht geladen)</translation>
    </message>
    <message>
        <source>Webhooks (not loaded)</source>
        <translation>Webhooks (nicht geladen)</translation>
    </message>
    <message>
        <source>Event type</source>
        <translation>Ereignistyp</translation>
    </message>
    <message>
        <source>Event data as JSON</source>
        <translation>Ereignisdaten als JSON</translation>
    </message>
    <message>
        <source>Offset to seek to</source>
        <translation>Offset, zu dem gesprungen wird</translation>
    </message>
    <message>
        <source>Seek to the offset</source>
        <translation>Zum Offset springen</translation>
    </message>
    <message>
        <source>Time to seek to</source>
        <translation>Zeitpunkt, zu dem gesprungen wird</translation>
    </message>
    <message>
        <source>Seek to the time</source>
        <translation>Zum Zeitpunkt springen</translation>
    </message>
    <message>
        <source>Replay from offset</source>
        <translation>Wiederholen ab Offset</translation>
    </message>
    <message>
        <source>Replay up to offset</source>
        <translation>Wiederholen bis Offset</translation>
    </message>
    <message>
        <source>Replay into topic</source>
        <translation>Wiederholen in Topic</translation>
    </message>
    <message>
        <source>Replay the offsets into the topic</source>
        <translation>Die Offsets in das Topic wiederholen</translation>
    </message>
    <message>
        <source>Consumer groups of %1</source>
        <translation>Consumer-Gruppen von %1</translation>
    </message>
    <message>
        <source>Group %1: %2</source>
        <translation>Gruppe %1: %2</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Retry loading the consumer groups</source>
        <translation>Consumer-Gruppen erneut laden</translation>
    </message>
    <message>
        <source>Webhooks of %1</source>
        <translation>Webhooks von %1</translation>
    </message>
    <message>
        <source>Deliveries</source>
        <translation>Zustellungen</translation>
    </message>
    <message>
        <source>Show the deliveries to %1</source>
        <translation>Zustellungen an %1 zeigen</translation>
    </message>
    <message>
        <source>Send a test event to %1</source>
        <translation>Testereignis an %1 senden</translation>
    </message>
    <message>
        <source>Retry loading the webhooks</source>
        <translation>Webhooks erneut laden</translation>
    </message>
    <message>
        <source>Deliveries of the webhook</source>
        <translation>Zustellungen des Webhooks</translation>
    </message>
    <message>
        <source>This webhook has no delivery yet.</source>
        <translation>Dieser Webhook hat noch nichts zugestellt.</translation>
    </message>
    <message>
        <source>Retry loading the deliveries</source>
        <translation>Zustellungen erneut laden</translation>
    </message>
    <message>
        <source>Loading the tail…</source>
        <translation>Der Live-Verlauf wird geladen …</translation>
    </message>
    <message>
        <source>Replay: %1</source>
        <translation>Wiederholen: %1</translation>
    </message>
    <message>
        <source>Test deliveries: %1</source>
        <translation>Testzustellungen: %1</translation>
    </message>
</context>
<context>
    <name>GatewayAccessLogTab</name>
    <message>
        <source>Filter the access log by route</source>
        <translation>Zugriffsprotokoll nach Route filtern</translation>
    </message>
    <message>
        <source>Any route</source>
        <translation>Jede Route</translation>
    </message>
    <message>
        <source>Filter the access log by status</source>
        <translation>Zugriffsprotokoll nach Status filtern</translation>
    </message>
    <message>
        <source>Request id</source>
        <translation>Anfrage-ID</translation>
    </message>
    <message>
        <source>Filter the access log by request id</source>
        <translation>Zugriffsprotokoll nach Anfrage-ID filtern</translation>
    </message>
    <message>
        <source>%1 of %2 entries</source>
        <translation>%1 von %2 Einträgen</translation>
    </message>
    <message>
        <source>Gateway access log</source>
        <translation>Zugriffsprotokoll des Gateways</translation>
    </message>
    <message>
        <source>%1, request %2</source>
        <translation>%1, Anfrage %2</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <source>Events with request id %1</source>
        <translation>Ereignisse mit der Anfrage-ID %1</translation>
    </message>
    <message>
        <source>Instance</source>
        <translation>Instanz</translation>
    </message>
    <message>
        <source>Show the instance that answered request %1 on the Services page</source>
        <translation>Die Instanz, die Anfrage %1 beantwortet hat, auf der Dienste-Seite zeigen</translation>
    </message>
    <message>
        <source>No entry matches the filter.</source>
        <translation>Kein Eintrag passt zum Filter.</translation>
    </message>
    <message>
        <source>No request logged yet. The gateway logs every error and a sample of the other requests here.</source>
        <translation>Noch keine Anfrage protokolliert. Das Gateway protokolliert hier jeden Fehler und eine Stichprobe der übrigen Anfragen.</translation>
    </message>
    <message>
        <source>Retry reading the access log</source>
        <translation>Zugriffsprotokoll erneut lesen</translation>
    </message>
</context>
<context>
    <name>GatewayChart</name>
    <message>
        <source>No traffic on this route in this range yet.</source>
        <translation>Noch kein Verkehr auf dieser Route in diesem Zeitraum.</translation>
    </message>
    <message>
        <source>Retry loading the chart %1</source>
        <translation>Diagramm %1 erneut laden</translation>
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
        <translation>Nicht live; alle paar Sekunden aktualisiert: %1</translation>
    </message>
    <message>
        <source>Waiting for the gateway…</source>
        <translation>Warte auf das Gateway …</translation>
    </message>
    <message>
        <source>Traffic enters the gateway at %1</source>
        <translation>Der Verkehr erreicht das Gateway unter %1</translation>
    </message>
    <message>
        <source>Rate limits: Redis is not reachable, so each node enforces its share locally. %1</source>
        <translation>Ratenbegrenzung: Redis ist nicht erreichbar, daher setzt jeder Knoten seinen Anteil lokal durch. %1</translation>
    </message>
    <message>
        <source>This backend has no gateway: it answered that /v1/gateway/overview does not exist. A meshdeckd with the gateway shows its routes, numbers and breakers here.</source>
        <translation>Dieses Backend hat kein Gateway: Es antwortete, dass /v1/gateway/overview nicht existiert. Ein meshdeckd mit Gateway zeigt hier seine Routen, Zahlen und Schutzschalter.</translation>
    </message>
    <message>
        <source>Gateway sections</source>
        <translation>Bereiche des Gateways</translation>
    </message>
    <message>
        <source>Routes</source>
        <translation>Routen</translation>
    </message>
    <message>
        <source>Access log</source>
        <translation>Zugriffsprotokoll</translation>
    </message>
</context>
<context>
    <name>GatewayRouteEditor</name>
    <message>
        <source>New route</source>
        <translation>Neue Route</translation>
    </message>
    <message>
        <source>Edit route %1 (version %2)</source>
        <translation>Route %1 bearbeiten (Version %2)</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <source>Preview the change</source>
        <translation>Vorschau der Änderung</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Anlegen</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Save the route</source>
        <translation>Route speichern</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel editing the route</source>
        <translation>Bearbeiten der Route abbrechen</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <source>Reload the route</source>
        <translation>Route neu laden</translation>
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
        <translation>Name der Route</translation>
    </message>
    <message>
        <source>Path prefix</source>
        <translation>Pfadpräfix</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Host</translation>
    </message>
    <message>
        <source>any host</source>
        <translation>jeder Host</translation>
    </message>
    <message>
        <source>Host (empty: any host)</source>
        <translation>Host (leer: jeder Host)</translation>
    </message>
    <message>
        <source>Methods</source>
        <translation>Methoden</translation>
    </message>
    <message>
        <source>any method; or GET, POST</source>
        <translation>jede Methode; oder GET, POST</translation>
    </message>
    <message>
        <source>Methods (comma separated; empty: any method)</source>
        <translation>Methoden (durch Kommas getrennt; leer: jede Methode)</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>a service of the registry</source>
        <translation>ein Dienst der Registry</translation>
    </message>
    <message>
        <source>Target service</source>
        <translation>Zieldienst</translation>
    </message>
    <message>
        <source>Prefix</source>
        <translation>Präfix</translation>
    </message>
    <message>
        <source>Strip the prefix before forwarding</source>
        <translation>Präfix vor dem Weiterleiten entfernen</translation>
    </message>
    <message>
        <source>Timeout (ms)</source>
        <translation>Zeitlimit (ms)</translation>
    </message>
    <message>
        <source>Timeout in milliseconds</source>
        <translation>Zeitlimit in Millisekunden</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <source>Retries (idempotent requests, on another instance)</source>
        <translation>Wiederholungen (idempotente Anfragen, auf einer anderen Instanz)</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Authentifizierung</translation>
    </message>
    <message>
        <source>Authentication at the edge</source>
        <translation>Authentifizierung am Gateway</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keine</translation>
    </message>
    <message>
        <source>Required (a token or an API key)</source>
        <translation>Erforderlich (ein Token oder ein API-Schlüssel)</translation>
    </message>
    <message>
        <source>Rate limit</source>
        <translation>Ratenbegrenzung</translation>
    </message>
    <message>
        <source>Limit each consumer&apos;s requests</source>
        <translation>Anfragen jedes Verbrauchers begrenzen</translation>
    </message>
    <message>
        <source>Rate limit: requests</source>
        <translation>Ratenbegrenzung: Anfragen</translation>
    </message>
    <message>
        <source>requests per</source>
        <translation>Anfragen pro</translation>
    </message>
    <message>
        <source>Rate limit: per seconds</source>
        <translation>Ratenbegrenzung: pro Sekunden</translation>
    </message>
    <message>
        <source>s, by</source>
        <translation>s, nach</translation>
    </message>
    <message>
        <source>Rate limit: consumer</source>
        <translation>Ratenbegrenzung: Verbraucher</translation>
    </message>
    <message>
        <source>client address</source>
        <translation>Client-Adresse</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>user</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>CORS origins</source>
        <translation>CORS-Ursprünge</translation>
    </message>
    <message>
        <source>none (no CORS headers); or https://app.example.test</source>
        <translation>keine (keine CORS-Header); oder https://app.example.test</translation>
    </message>
    <message>
        <source>CORS origins (comma separated; empty: no CORS)</source>
        <translation>CORS-Ursprünge (durch Kommas getrennt; leer: kein CORS)</translation>
    </message>
    <message>
        <source>Allow credentials (cookies) from these origins</source>
        <translation>Anmeldedaten (Cookies) von diesen Ursprüngen erlauben</translation>
    </message>
    <message>
        <source>CORS: allow credentials</source>
        <translation>CORS: Anmeldedaten erlauben</translation>
    </message>
    <message>
        <source>Load balancing</source>
        <translation>Lastverteilung</translation>
    </message>
    <message>
        <source>Round robin</source>
        <translation>Reihum</translation>
    </message>
    <message>
        <source>Weighted (the registry&apos;s weights)</source>
        <translation>Gewichtet (die Gewichte der Registry)</translation>
    </message>
    <message>
        <source>Least outstanding requests</source>
        <translation>Wenigste offene Anfragen</translation>
    </message>
    <message>
        <source>Circuit breaker</source>
        <translation>Schutzschalter</translation>
    </message>
    <message>
        <source>opens after</source>
        <translation>öffnet nach</translation>
    </message>
    <message>
        <source>Breaker: consecutive failures before it opens</source>
        <translation>Schutzschalter: Fehler in Folge, bevor er öffnet</translation>
    </message>
    <message>
        <source>failures, cools down</source>
        <translation>Fehlern, kühlt ab</translation>
    </message>
    <message>
        <source>Breaker: cool-down in milliseconds</source>
        <translation>Schutzschalter: Abkühlzeit in Millisekunden</translation>
    </message>
    <message>
        <source>ms, probes</source>
        <translation>ms, Proben</translation>
    </message>
    <message>
        <source>Breaker: half-open probe requests</source>
        <translation>Schutzschalter: Probeanfragen im halboffenen Zustand</translation>
    </message>
    <message>
        <source>Preview: what saving does</source>
        <translation>Vorschau: Was das Speichern bewirkt</translation>
    </message>
    <message>
        <source>Preview: this route would be refused (see the fields)</source>
        <translation>Vorschau: Diese Route würde abgelehnt (siehe die Felder)</translation>
    </message>
    <message>
        <source>A new route.</source>
        <translation>Eine neue Route.</translation>
    </message>
    <message>
        <source>Nothing changes.</source>
        <translation>Nichts ändert sich.</translation>
    </message>
    <message>
        <source>Largest body (KiB)</source>
        <translation>Größter Body (KiB)</translation>
    </message>
    <message>
        <source>Largest request body in KiB</source>
        <translation>Größter Anfrage-Body in KiB</translation>
    </message>
    <message>
        <source>Access log sample (%)</source>
        <translation>Zugriffsprotokoll-Stichprobe (%)</translation>
    </message>
    <message>
        <source>server default</source>
        <translation>Vorgabe des Servers</translation>
    </message>
    <message>
        <source>Share of answers written to the access log, in percent</source>
        <translation>Anteil der Antworten im Zugriffsprotokoll, in Prozent</translation>
    </message>
    <message>
        <source>5xx answers and the gateway&apos;s refusals are always logged. Empty: the server&apos;s --gateway-access-log-sample.</source>
        <translation>5xx-Antworten und Ablehnungen des Gateways werden immer protokolliert. Leer: --gateway-access-log-sample des Servers.</translation>
    </message>
    <message>
        <source>methods %1</source>
        <translation>Methoden %1</translation>
    </message>
    <message>
        <source>request headers %1</source>
        <translation>Anfrage-Header %1</translation>
    </message>
    <message>
        <source>exposed headers %1</source>
        <translation>lesbare Antwort-Header %1</translation>
    </message>
    <message>
        <source>preflight cached %1 s</source>
        <translation>Preflight %1 s zwischengespeichert</translation>
    </message>
    <message>
        <source>Kept as stored when saved (the API sets these): %1</source>
        <translation>Beim Speichern unverändert übernommen (über die API gesetzt): %1</translation>
    </message>
    <message>
        <source>No origins: saving removes the route&apos;s CORS policy, whatever the API set in it.</source>
        <translation>Keine Ursprünge: Speichern entfernt die CORS-Richtlinie der Route, samt allem, was die API darin gesetzt hat.</translation>
    </message>
</context>
<context>
    <name>GatewayRouteHistory</name>
    <message>
        <source>History of route %1</source>
        <translation>Verlauf der Route %1</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Close the history</source>
        <translation>Verlauf schließen</translation>
    </message>
    <message>
        <source>Versions of %1</source>
        <translation>Versionen von %1</translation>
    </message>
    <message>
        <source>v%1</source>
        <translation>v%1</translation>
    </message>
    <message>
        <source>%1 %2 by %3</source>
        <translation>%1 %2 von %3</translation>
    </message>
    <message>
        <source>Restore</source>
        <translation>Wiederherstellen</translation>
    </message>
    <message>
        <source>Restore version %1</source>
        <translation>Version %1 wiederherstellen</translation>
    </message>
    <message>
        <source>No version recorded.</source>
        <translation>Keine Version aufgezeichnet.</translation>
    </message>
    <message>
        <source>Retry loading the history</source>
        <translation>Verlauf erneut laden</translation>
    </message>
</context>
<context>
    <name>GatewayRoutesTab</name>
    <message numerus="yes">
        <source>%n route(s)</source>
        <translation>
            <numerusform>%n Route</numerusform>
            <numerusform>%n Routen</numerusform>
        </translation>
    </message>
    <message>
        <source>New route…</source>
        <translation>Neue Route …</translation>
    </message>
    <message>
        <source>Create a route</source>
        <translation>Eine Route anlegen</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Refresh the gateway</source>
        <translation>Gateway aktualisieren</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>Match</source>
        <translation>Treffer</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>Rate</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>p50 / p95 / p99</source>
        <translation>p50 / p95 / p99</translation>
    </message>
    <message>
        <source>Gateway p99</source>
        <translation>Gateway-p99</translation>
    </message>
    <message>
        <source>Limited (5 min)</source>
        <translation>Begrenzt (5 min)</translation>
    </message>
    <message>
        <source>Busiest consumer</source>
        <translation>Aktivster Verbraucher</translation>
    </message>
    <message>
        <source>Breakers</source>
        <translation>Schutzschalter</translation>
    </message>
    <message>
        <source>Gateway routes</source>
        <translation>Routen des Gateways</translation>
    </message>
    <message>
        <source>Route %1 to %2: %3, %4 errors, p50/p95/p99 %5, breakers %6</source>
        <translation>Route %1 zu %2: %3, %4 Fehler, p50/p95/p99 %5, Schutzschalter %6</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>No route yet. A route sends the gateway&apos;s traffic for a path prefix (and optionally a host and methods) to a service of the registry.</source>
        <translation>Noch keine Route. Eine Route leitet den Verkehr des Gateways für ein Pfadpräfix (und optional einen Host und Methoden) an einen Dienst der Registry.</translation>
    </message>
    <message>
        <source>Retry loading the gateway&apos;s routes</source>
        <translation>Routen des Gateways erneut laden</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Bearbeiten …</translation>
    </message>
    <message>
        <source>Edit route %1</source>
        <translation>Route %1 bearbeiten</translation>
    </message>
    <message>
        <source>History…</source>
        <translation>Verlauf …</translation>
    </message>
    <message>
        <source>History of route %1</source>
        <translation>Verlauf der Route %1</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen …</translation>
    </message>
    <message>
        <source>Delete route %1</source>
        <translation>Route %1 löschen</translation>
    </message>
    <message>
        <source>Range</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <source>Chart range</source>
        <translation>Zeitraum der Diagramme</translation>
    </message>
    <message>
        <source>Requests per second</source>
        <translation>Anfragen pro Sekunde</translation>
    </message>
    <message>
        <source>requests/s</source>
        <translation>Anfragen/s</translation>
    </message>
    <message>
        <source>Errors (%)</source>
        <translation>Fehler (%)</translation>
    </message>
    <message>
        <source>errors %</source>
        <translation>Fehler %</translation>
    </message>
    <message>
        <source>Latency (ms)</source>
        <translation>Latenz (ms)</translation>
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
        <translation>Gateway-p99</translation>
    </message>
    <message>
        <source>Instances and their circuit breakers</source>
        <translation>Instanzen und ihre Schutzschalter</translation>
    </message>
    <message>
        <source>Instances of %1</source>
        <translation>Instanzen von %1</translation>
    </message>
    <message>
        <source>%1 since %2</source>
        <translation>%1 seit %2</translation>
    </message>
    <message>
        <source>Breaker of %1: %2</source>
        <translation>Schutzschalter von %1: %2</translation>
    </message>
    <message>
        <source>%1 in flight · %2 failures in a row</source>
        <translation>%1 in Bearbeitung · %2 Fehler in Folge</translation>
    </message>
    <message>
        <source>Show in Services</source>
        <translation>In Dienste zeigen</translation>
    </message>
    <message>
        <source>Show %1 on the Services page</source>
        <translation>%1 auf der Dienste-Seite zeigen</translation>
    </message>
    <message>
        <source>Reset…</source>
        <translation>Zurücksetzen …</translation>
    </message>
    <message>
        <source>Reset the breaker of %1</source>
        <translation>Schutzschalter von %1 zurücksetzen</translation>
    </message>
    <message>
        <source>The gateway has no instance of this route&apos;s service to send requests to.</source>
        <translation>Das Gateway hat keine Instanz des Dienstes dieser Route, an die es Anfragen senden kann.</translation>
    </message>
    <message>
        <source>Retry loading the breakers</source>
        <translation>Schutzschalter erneut laden</translation>
    </message>
    <message>
        <source>Delete route %1?</source>
        <translation>Route %1 löschen?</translation>
    </message>
    <message>
        <source>The gateway stops routing %1 at once: its requests go to a less specific route, or get 404 when none matches. Its numbers stop. The deletion is recorded as version %2 in its history, from where it can be restored.</source>
        <translation>Das Gateway leitet %1 sofort nicht mehr weiter: Die Anfragen gehen an eine weniger spezifische Route oder erhalten 404, wenn keine passt. Ihre Zahlen enden. Das Löschen wird als Version %2 im Verlauf festgehalten und kann von dort wiederhergestellt werden.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Reset the breaker of %1?</source>
        <translation>Schutzschalter von %1 zurücksetzen?</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>Zurücksetzen</translation>
    </message>
</context>
<context>
    <name>GatewaySortHeader</name>
    <message>
        <source>%1, sorted ascending; sort descending</source>
        <translation>%1, aufsteigend sortiert; absteigend sortieren</translation>
    </message>
    <message>
        <source>%1, sorted descending; sort ascending</source>
        <translation>%1, absteigend sortiert; aufsteigend sortieren</translation>
    </message>
    <message>
        <source>Sort by %1</source>
        <translation>Nach %1 sortieren</translation>
    </message>
</context>
<context>
    <name>LagChart</name>
    <message>
        <source>Lag of %1</source>
        <translation>Rückstand von %1</translation>
    </message>
    <message>
        <source>No lag samples for %1 yet.</source>
        <translation>Noch keine Rückstandswerte für %1.</translation>
    </message>
    <message>
        <source>Select a group to see its lag over the last hour.</source>
        <translation>Wählen Sie eine Gruppe, um ihren Rückstand der letzten Stunde zu sehen.</translation>
    </message>
    <message>
        <source>Lag of %1 over the last hour</source>
        <translation>Rückstand von %1 in der letzten Stunde</translation>
    </message>
    <message>
        <source>Retry loading the lag of %1</source>
        <translation>Rückstand von %1 erneut laden</translation>
    </message>
</context>
<context>
    <name>ListStatus</name>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
</context>
<context>
    <name>LocalStackPage</name>
    <message>
        <source>Local stack</source>
        <translation>Lokaler Stack</translation>
    </message>
    <message>
        <source>meshdeckd running on this machine, started by the console</source>
        <translation>meshdeckd auf diesem Rechner, von der Konsole gestartet</translation>
    </message>
    <message>
        <source>The console is attached to a remote backend; the local stack is not in use.</source>
        <translation>Die Konsole ist mit einem entfernten Backend verbunden; der lokale Stack wird nicht verwendet.</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stoppen</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>Neu starten</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Prozess</translation>
    </message>
    <message>
        <source>pid %1</source>
        <translation>PID %1</translation>
    </message>
    <message>
        <source>Program</source>
        <translation>Programm</translation>
    </message>
    <message>
        <source>Data directory</source>
        <translation>Datenverzeichnis</translation>
    </message>
    <message>
        <source>No log lines yet. Start the local stack to see meshdeckd&apos;s log here.</source>
        <translation>Noch keine Logzeilen. Starten Sie den lokalen Stack, um hier das Log von meshdeckd zu sehen.</translation>
    </message>
    <message>
        <source>Start the local stack</source>
        <translation>Lokalen Stack starten</translation>
    </message>
    <message>
        <source>Stop the local stack</source>
        <translation>Lokalen Stack stoppen</translation>
    </message>
    <message>
        <source>Restart the local stack</source>
        <translation>Lokalen Stack neu starten</translation>
    </message>
    <message>
        <source>meshdeckd log</source>
        <translation>Protokoll von meshdeckd</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Sign in to %1</source>
        <translation>Bei %1 anmelden</translation>
    </message>
    <message>
        <source>Email address</source>
        <translation>E-Mail-Adresse</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message numerus="yes">
        <source>Too many sign-in attempts: try again in %n second(s).</source>
        <translation>
            <numerusform>Zu viele Anmeldeversuche: Versuchen Sie es in %n Sekunde erneut.</numerusform>
            <numerusform>Zu viele Anmeldeversuche: Versuchen Sie es in %n Sekunden erneut.</numerusform>
        </translation>
    </message>
    <message>
        <source>The password is sent once and never stored; the session is kept in the system keychain.</source>
        <translation>Das Passwort wird einmal gesendet und nie gespeichert; die Sitzung wird im Schlüsselbund des Systems verwahrt.</translation>
    </message>
    <message>
        <source>Use the local stack</source>
        <translation>Lokalen Stack verwenden</translation>
    </message>
    <message>
        <source>Leave this cluster and use the local stack</source>
        <translation>Diesen Cluster verlassen und den lokalen Stack verwenden</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
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
        <translation>Entwickler</translation>
    </message>
    <message>
        <source>Support</source>
        <translation>Support</translation>
    </message>
    <message>
        <source>User (no console)</source>
        <translation>Benutzer (keine Konsole)</translation>
    </message>
    <message>
        <source>Any role</source>
        <translation>Jede Rolle</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Jeder Status</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Deaktiviert</translation>
    </message>
    <message>
        <source>Any outcome</source>
        <translation>Jedes Ergebnis</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Verweigert</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Never expires</source>
        <translation>Läuft nie ab</translation>
    </message>
    <message>
        <source>In 7 days</source>
        <translation>In 7 Tagen</translation>
    </message>
    <message>
        <source>In 30 days</source>
        <translation>In 30 Tagen</translation>
    </message>
    <message>
        <source>In 90 days</source>
        <translation>In 90 Tagen</translation>
    </message>
    <message>
        <source>In a year</source>
        <translation>In einem Jahr</translation>
    </message>
    <message>
        <source>the admin token</source>
        <translation>das Admin-Token</translation>
    </message>
    <message>
        <source>an API key</source>
        <translation>ein API-Schlüssel</translation>
    </message>
    <message>
        <source>the API key %1</source>
        <translation>der API-Schlüssel %1</translation>
    </message>
    <message>
        <source>Could not read what you may do here: %1</source>
        <translation>Es konnte nicht ermittelt werden, was Sie hier tun dürfen: %1</translation>
    </message>
    <message>
        <source>Could not load the permissions: %1</source>
        <translation>Die Berechtigungen konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Could not load the users: %1</source>
        <translation>Die Benutzer konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Give the user an email address.</source>
        <translation>Geben Sie dem Benutzer eine E-Mail-Adresse.</translation>
    </message>
    <message>
        <source>Created %1 (%2).</source>
        <translation>%1 (%2) wurde angelegt.</translation>
    </message>
    <message>
        <source>%1 can sign in again.</source>
        <translation>%1 kann sich wieder anmelden.</translation>
    </message>
    <message>
        <source>%1 is disabled: their sessions and API keys stop working.</source>
        <translation>%1 ist deaktiviert: Die Sitzungen und API-Schlüssel des Kontos funktionieren nicht mehr.</translation>
    </message>
    <message>
        <source>%1 is now %2.</source>
        <translation>%1 ist jetzt %2.</translation>
    </message>
    <message>
        <source>The password of %1 was reset; their sessions have ended.</source>
        <translation>Das Passwort von %1 wurde zurückgesetzt; die Sitzungen des Kontos wurden beendet.</translation>
    </message>
    <message>
        <source>Could not load the sessions: %1</source>
        <translation>Die Sitzungen konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>The session was revoked: that device must sign in again.</source>
        <translation>Die Sitzung wurde widerrufen: Dieses Gerät muss sich erneut anmelden.</translation>
    </message>
    <message>
        <source>Every session was revoked: each device must sign in again.</source>
        <translation>Alle Sitzungen wurden widerrufen: Jedes Gerät muss sich erneut anmelden.</translation>
    </message>
    <message>
        <source>Could not load the teams: %1</source>
        <translation>Die Teams konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Give the team a name.</source>
        <translation>Geben Sie dem Team einen Namen.</translation>
    </message>
    <message>
        <source>Created the team %1; you are its owner.</source>
        <translation>Das Team %1 wurde angelegt; Sie sind sein Eigentümer.</translation>
    </message>
    <message>
        <source>Could not load the members: %1</source>
        <translation>Die Mitglieder konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Pick a team and a user first.</source>
        <translation>Wählen Sie zuerst ein Team und einen Benutzer.</translation>
    </message>
    <message>
        <source>Added %1 to the team.</source>
        <translation>%1 wurde zum Team hinzugefügt.</translation>
    </message>
    <message>
        <source>Removed from the team.</source>
        <translation>Aus dem Team entfernt.</translation>
    </message>
    <message>
        <source>Pick a team and give an email address.</source>
        <translation>Wählen Sie ein Team und geben Sie eine E-Mail-Adresse an.</translation>
    </message>
    <message>
        <source>Could not load the API keys: %1</source>
        <translation>Die API-Schlüssel konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Give the key a name that says where it is used.</source>
        <translation>Geben Sie dem Schlüssel einen Namen, der sagt, wo er verwendet wird.</translation>
    </message>
    <message>
        <source>Pick at least one scope: a key without scopes can do nothing.</source>
        <translation>Wählen Sie mindestens einen Scope: Ein Schlüssel ohne Scopes kann nichts.</translation>
    </message>
    <message>
        <source>Revoked the key %1.</source>
        <translation>Der Schlüssel %1 wurde widerrufen.</translation>
    </message>
    <message>
        <source>Pick a principal and an action.</source>
        <translation>Wählen Sie einen Akteur und eine Aktion.</translation>
    </message>
    <message>
        <source>The simulator could not answer: %1</source>
        <translation>Der Simulator konnte nicht antworten: %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a time: write it as 2026-11-30 14:05 or 2026-11-30.</source>
        <translation>„%1“ ist kein Zeitpunkt: Schreiben Sie ihn als 2026-11-30 14:05 oder 2026-11-30.</translation>
    </message>
    <message>
        <source>Could not load the audit log: %1</source>
        <translation>Das Audit-Log konnte nicht geladen werden: %1</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::AccessLogModel</name>
    <message>
        <source>%1 ms (gateway %2 ms, upstream %3 ms)</source>
        <translation>%1 ms (Gateway %2 ms, Upstream %3 ms)</translation>
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
        <translation>Das Backend antwortete mit HTTP %1.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::ApiKeysModel</name>
    <message>
        <source>Never expires</source>
        <translation>Kein Ablauf</translation>
    </message>
    <message>
        <source>Never used</source>
        <translation>Nie verwendet</translation>
    </message>
    <message>
        <source>%1 from %2</source>
        <translation>%1 von %2 aus</translation>
    </message>
    <message>
        <source>Revoked %1</source>
        <translation>Widerrufen am %1</translation>
    </message>
    <message>
        <source>Expired %1</source>
        <translation>Abgelaufen am %1</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::AppSettings</name>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>Notify while the console is in the background</source>
        <translation>Benachrichtigen, wenn die Konsole im Hintergrund ist</translation>
    </message>
    <message>
        <source>Always notify</source>
        <translation>Immer benachrichtigen</translation>
    </message>
    <message>
        <source>Never notify</source>
        <translation>Nie benachrichtigen</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::BreakersModel</name>
    <message>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <source>half-open</source>
        <translation>halboffen</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>geschlossen</translation>
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
            <numerusform> [… %n weiteres Byte dieser Zeile nicht angezeigt]</numerusform>
            <numerusform> [… %n weitere Bytes dieser Zeile nicht angezeigt]</numerusform>
        </translation>
    </message>
    <message>
        <source>The build log %1 is not a local file.</source>
        <translation>Das Build-Log %1 ist keine lokale Datei.</translation>
    </message>
    <message>
        <source>The build log %1 could not be read: %2</source>
        <translation>Das Build-Log %1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>The filter is not a valid regular expression: %1 (at character %2).</source>
        <translation>Der Filter ist kein gültiger regulärer Ausdruck: %1 (bei Zeichen %2).</translation>
    </message>
    <message>
        <source>The log can only be saved to a local file.</source>
        <translation>Das Log kann nur in eine lokale Datei gespeichert werden.</translation>
    </message>
    <message>
        <source>There is no build log to save.</source>
        <translation>Es gibt kein Build-Log zum Speichern.</translation>
    </message>
    <message>
        <source>%1 could not be read: %2</source>
        <translation>%1 konnte nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 could not be written: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message numerus="yes">
        <source>Saved %n lines to %1.</source>
        <translation>
            <numerusform>%n Zeile in %1 gespeichert.</numerusform>
            <numerusform>%n Zeilen in %1 gespeichert.</numerusform>
        </translation>
    </message>
    <message>
        <source>The build log %1 could not be written: %2</source>
        <translation>Das Build-Log %1 konnte nicht geschrieben werden: %2</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::BuildWorkersModel</name>
    <message>
        <source>in process on node %1</source>
        <translation>im Prozess auf Knoten %1</translation>
    </message>
    <message>
        <source>separate process at %1:%2</source>
        <translation>eigener Prozess auf %1:%2</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::ChatController</name>
    <message>
        <source>Live updates of this room stopped: %1</source>
        <translation>Live-Aktualisierungen dieses Raums beendet: %1</translation>
    </message>
    <message>
        <source>Presence is not live: %1</source>
        <translation>Die Anwesenheit ist nicht live: %1</translation>
    </message>
    <message>
        <source>Not opened: reading this private room needs a reason, and the read is recorded.</source>
        <translation>Nicht geöffnet: Das Lesen dieses privaten Raums erfordert einen Grund, und der Lesezugriff wird aufgezeichnet.</translation>
    </message>
    <message>
        <source>Could not load the rooms: %1</source>
        <translation>Die Räume konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Could not load more rooms: %1</source>
        <translation>Weitere Räume konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Could not load presence: %1</source>
        <translation>Die Anwesenheit konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Type at least two characters to search.</source>
        <translation>Geben Sie mindestens zwei Zeichen ein, um zu suchen.</translation>
    </message>
    <message>
        <source>Search failed: %1</source>
        <translation>Suche fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Could not load the reports: %1</source>
        <translation>Die Meldungen konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Report resolved.</source>
        <translation>Meldung erledigt.</translation>
    </message>
    <message>
        <source>Could not load the invitations: %1</source>
        <translation>Die Einladungen konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Could not load the support reads: %1</source>
        <translation>Die Support-Lesezugriffe konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Invitation created.</source>
        <translation>Einladung angelegt.</translation>
    </message>
    <message>
        <source>Invitation revoked.</source>
        <translation>Einladung widerrufen.</translation>
    </message>
    <message>
        <source>Revoke this invitation to %1? Its QR code and link stop working at once; it has been used %2 time(s). People who already joined stay in the room.</source>
        <translation>Diese Einladung in %1 widerrufen? Ihr QR-Code und ihr Link funktionieren sofort nicht mehr; sie wurde %2-mal verwendet. Wer bereits beigetreten ist, bleibt im Raum.</translation>
    </message>
    <message>
        <source>Could not load the QR code: %1</source>
        <translation>Der QR-Code konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>The backend did not send a PNG image for the QR code.</source>
        <translation>Das Backend hat kein PNG-Bild für den QR-Code gesendet.</translation>
    </message>
    <message>
        <source>Message deleted.</source>
        <translation>Nachricht gelöscht.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::ClusterMembersModel</name>
    <message>
        <source>Could not load the cluster&apos;s members: %1</source>
        <translation>Die Mitglieder des Clusters konnten nicht geladen werden: %1</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::ClusterSummaryModel</name>
    <message>
        <source>Signs in with a password: attach to it to see its state.</source>
        <translation>Anmeldung per Passwort: Verbinden Sie sich mit dem Cluster, um seinen Zustand zu sehen.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::Console</name>
    <message>
        <source>There is no cluster profile named &quot;%1&quot;.</source>
        <translation>Es gibt kein Clusterprofil namens „%1“.</translation>
    </message>
    <message>
        <source>Local stack</source>
        <translation>Lokaler Stack</translation>
    </message>
    <message>
        <source>The credential of %1 could not be read: %2</source>
        <translation>Die Zugangsdaten von %1 konnten nicht gelesen werden: %2</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::ConsumerGroupsModel</name>
    <message>
        <source>committed %1 · lag %2 · in flight %3</source>
        <translation>bestätigt %1 · Rückstand %2 · in Bearbeitung %3</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::DeliveriesModel</name>
    <message>
        <source>%1 · #%2 attempt %3 · %4 · %5 ms %6</source>
        <translation>%1 · #%2 Versuch %3 · %4 · %5 ms %6</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::DeploymentsController</name>
    <message>
        <source>Cannot keep the log on disk: %1</source>
        <translation>Das Log kann nicht auf der Festplatte gehalten werden: %1</translation>
    </message>
    <message>
        <source>Could not load the sites: %1</source>
        <translation>Die Sites konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Could not load the deployments: %1</source>
        <translation>Die Deployments konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Could not load the variables: %1</source>
        <translation>Die Variablen konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Could not load the build queue: %1</source>
        <translation>Die Build-Warteschlange konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Could not load the build log: %1</source>
        <translation>Das Build-Log konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Activate deployment %1: site %2 will serve it.</source>
        <translation>Deployment %1 aktivieren: Site %2 liefert es dann aus.</translation>
    </message>
    <message>
        <source>Roll back to deployment %1: site %2 will serve it instead of %3, with no rebuild.</source>
        <translation>Zurück zu Deployment %1: Site %2 liefert es statt %3 aus, ohne neuen Build.</translation>
    </message>
    <message>
        <source>Activate deployment %1: site %2 will serve it instead of %3.</source>
        <translation>Deployment %1 aktivieren: Site %2 liefert es statt %3 aus.</translation>
    </message>
    <message>
        <source>Cancel deployment %1: its build stops and it will not be served.</source>
        <translation>Deployment %1 abbrechen: sein Build stoppt, und es wird nicht ausgeliefert.</translation>
    </message>
    <message>
        <source>Redeploy %1: the same source is built again as a new deployment; the live one stays until you activate the new one.</source>
        <translation>%1 neu bauen: dieselbe Quelle wird als neues Deployment gebaut; das live Deployment bleibt, bis Sie das neue aktivieren.</translation>
    </message>
    <message>
        <source>Delete deployment %1: its source, build and log are removed; it cannot be activated again.</source>
        <translation>Deployment %1 löschen: Quelle, Build und Log werden entfernt; es kann nicht wieder aktiviert werden.</translation>
    </message>
    <message>
        <source>Site %1 created.</source>
        <translation>Site %1 angelegt.</translation>
    </message>
    <message>
        <source>Deployment of %1 queued.</source>
        <translation>Deployment von %1 eingereiht.</translation>
    </message>
    <message>
        <source>Deployment of %1 (%2) queued.</source>
        <translation>Deployment von %1 (%2) eingereiht.</translation>
    </message>
    <message>
        <source>Deployment %1 is live.</source>
        <translation>Deployment %1 ist live.</translation>
    </message>
    <message>
        <source>Deployment %1 is being canceled.</source>
        <translation>Deployment %1 wird abgebrochen.</translation>
    </message>
    <message>
        <source>A new build of %1&apos;s source is queued.</source>
        <translation>Ein neuer Build der Quelle von %1 ist eingereiht.</translation>
    </message>
    <message>
        <source>Deployment %1 deleted.</source>
        <translation>Deployment %1 gelöscht.</translation>
    </message>
    <message>
        <source>Variable %1 saved.</source>
        <translation>Variable %1 gespeichert.</translation>
    </message>
    <message>
        <source>Variable deleted.</source>
        <translation>Variable gelöscht.</translation>
    </message>
    <message>
        <source>Could not load the build workers: %1</source>
        <translation>Die Build-Worker konnten nicht geladen werden: %1</translation>
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
        <translation>Verzeichnis %1</translation>
    </message>
    <message>
        <source>archive %1 (%2)</source>
        <translation>Archiv %1 (%2)</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::DesktopNotifier</name>
    <message>
        <source>%1 is critical</source>
        <translation>%1 ist kritisch</translation>
    </message>
    <message>
        <source>Instance %1: %2</source>
        <translation>Instanz %1: %2</translation>
    </message>
    <message>
        <source>Gateway route %1 is failing</source>
        <translation>Gateway-Route %1 schlägt fehl</translation>
    </message>
    <message numerus="yes">
        <source>%1 % of its last %n requests failed (the last minute).</source>
        <translation>
            <numerusform>%1 % der letzten %n Anfrage sind fehlgeschlagen (in der letzten Minute).</numerusform>
            <numerusform>%1 % der letzten %n Anfragen sind fehlgeschlagen (in der letzten Minute).</numerusform>
        </translation>
    </message>
    <message>
        <source>A build of %1 failed</source>
        <translation>Ein Build von %1 ist fehlgeschlagen</translation>
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
        <translation>Wählen Sie zuerst ein Topic.</translation>
    </message>
    <message>
        <source>Give the event a type, such as test.ping.</source>
        <translation>Geben Sie dem Ereignis einen Typ, etwa test.ping.</translation>
    </message>
    <message>
        <source>The data is not valid JSON: %1.</source>
        <translation>Die Daten sind kein gültiges JSON: %1.</translation>
    </message>
    <message>
        <source>Published at offset %1.</source>
        <translation>Veröffentlicht bei Offset %1.</translation>
    </message>
    <message numerus="yes">
        <source>Copied %n event(s).</source>
        <translation>
            <numerusform>%n Ereignis kopiert.</numerusform>
            <numerusform>%n Ereignisse kopiert.</numerusform>
        </translation>
    </message>
    <message>
        <source>Delivered: HTTP %1 in %2 ms.</source>
        <translation>Zugestellt: HTTP %1 in %2 ms.</translation>
    </message>
    <message>
        <source>Not delivered: %1</source>
        <translation>Nicht zugestellt: %1</translation>
    </message>
    <message>
        <source>Write the time as 2026-11-21 10:00 (local time).</source>
        <translation>Schreiben Sie die Zeit als 2026-11-21 10:00 (Ortszeit).</translation>
    </message>
    <message>
        <source>Could not load the topics: %1</source>
        <translation>Die Topics konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Could not load the consumer groups of %1: %2</source>
        <translation>Die Consumer-Gruppen von %1 konnten nicht geladen werden: %2</translation>
    </message>
    <message>
        <source>Could not load the webhooks: %1</source>
        <translation>Die Webhooks konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Could not load the lag of %1: %2</source>
        <translation>Der Rückstand von %1 konnte nicht geladen werden: %2</translation>
    </message>
    <message>
        <source>Could not load the deliveries of this webhook: %1</source>
        <translation>Die Zustellungen dieses Webhooks konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Could not load the events before offset %1 of %2: %3</source>
        <translation>Die Ereignisse vor Offset %1 von %2 konnten nicht geladen werden: %3</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::FakeApiClient</name>
    <message>
        <source>Nothing is listening at %1. Is meshdeckd running?</source>
        <translation>Unter %1 lauscht nichts. Läuft meshdeckd?</translation>
    </message>
    <message>
        <source>There is no route %1.</source>
        <translation>Es gibt keine Route %1.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::FakeSecretStore</name>
    <message>
        <source>The keychain holds no credential for this profile: edit the profile and enter it again.</source>
        <translation>Der Schlüsselbund enthält keine Zugangsdaten für dieses Profil: Bearbeiten Sie das Profil und geben Sie sie erneut ein.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::GatewayController</name>
    <message>
        <source>5 minutes</source>
        <translation>5 Minuten</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 Stunde</translation>
    </message>
    <message>
        <source>24 hours</source>
        <translation>24 Stunden</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Jeder Status</translation>
    </message>
    <message>
        <source>Errors and refusals</source>
        <translation>Fehler und Ablehnungen</translation>
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
        <translation>429 (ratenbegrenzt)</translation>
    </message>
    <message>
        <source>5xx</source>
        <translation>5xx</translation>
    </message>
    <message>
        <source>The live numbers are not available: %1</source>
        <translation>Die Live-Zahlen sind nicht verfügbar: %1</translation>
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
        <translation>%1 Anfragen · %2 Fehler · p95 %3</translation>
    </message>
    <message>
        <source>Could not load the gateway&apos;s routes: %1</source>
        <translation>Die Routen des Gateways konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Could not refresh the gateway&apos;s numbers (those shown may be old): %1</source>
        <translation>Die Zahlen des Gateways konnten nicht aktualisiert werden (die gezeigten sind womöglich alt): %1</translation>
    </message>
    <message>
        <source>Could not load the breakers&apos; trip history: %1</source>
        <translation>Der Auslöseverlauf der Schutzschalter konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Could not load the route&apos;s metrics: %1</source>
        <translation>Die Metriken der Route konnten nicht geladen werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>The breaker of %1 on route %2 closes now: the gateway sends it requests again at once, without waiting for the cool-down or a probe. If it keeps failing, the breaker opens again after %n consecutive failure(s).</source>
        <translation>
            <numerusform>Der Schutzschalter von %1 auf Route %2 schließt sich jetzt: Das Gateway sendet ihr sofort wieder Anfragen, ohne die Abkühlzeit oder eine Probe abzuwarten. Schlägt sie weiter fehl, öffnet sich der Schutzschalter nach %n Fehler wieder.</numerusform>
            <numerusform>Der Schutzschalter von %1 auf Route %2 schließt sich jetzt: Das Gateway sendet ihr sofort wieder Anfragen, ohne die Abkühlzeit oder eine Probe abzuwarten. Schlägt sie weiter fehl, öffnet sich der Schutzschalter nach %n Fehlern in Folge wieder.</numerusform>
        </translation>
    </message>
    <message>
        <source>The breaker was not reset: %1</source>
        <translation>Der Schutzschalter wurde nicht zurückgesetzt: %1</translation>
    </message>
    <message>
        <source>The breaker is closed; requests go to the instance again.</source>
        <translation>Der Schutzschalter ist geschlossen; Anfragen gehen wieder an die Instanz.</translation>
    </message>
    <message>
        <source>Could not read the access log: %1</source>
        <translation>Das Zugriffsprotokoll konnte nicht gelesen werden: %1</translation>
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
        <translation>%1: %2 von %3 übrig</translation>
    </message>
    <message>
        <source>no instance</source>
        <translation>keine Instanz</translation>
    </message>
    <message numerus="yes">
        <source>%n open</source>
        <translation>
            <numerusform>%n offen</numerusform>
            <numerusform>%n offen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n half-open</source>
        <translation>
            <numerusform>%n halboffen</numerusform>
            <numerusform>%n halboffen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n closed</source>
        <translation>
            <numerusform>%n geschlossen</numerusform>
            <numerusform>%n geschlossen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::HttpApiClient</name>
    <message>
        <source>The request was abandoned.</source>
        <translation>Die Anfrage wurde abgebrochen.</translation>
    </message>
    <message>
        <source>Nothing is listening at %1. Is meshdeckd running?</source>
        <translation>Unter %1 lauscht nichts. Läuft meshdeckd?</translation>
    </message>
    <message>
        <source>%1 did not answer within %2 s.</source>
        <translation>%1 hat nicht innerhalb von %2 s geantwortet.</translation>
    </message>
    <message>
        <source>Cannot reach %1: %2</source>
        <translation>%1 ist nicht erreichbar: %2</translation>
    </message>
    <message>
        <source>The TLS handshake with %1 failed: %2</source>
        <translation>Der TLS-Handshake mit %1 ist fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::InvitationsModel</name>
    <message>
        <source>%1 of %2 uses</source>
        <translation>%1 von %2 Nutzungen</translation>
    </message>
    <message numerus="yes">
        <source>%n use(s)</source>
        <translation>
            <numerusform>%n Nutzung</numerusform>
            <numerusform>%n Nutzungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <source>Used up</source>
        <translation>Aufgebraucht</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>Widerrufen</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::LocalStack</name>
    <message>
        <source>The backend program %1 is missing or not executable. Reinstall Meshdeck or pass --backend PATH.</source>
        <translation>Das Backend-Programm %1 fehlt oder ist nicht ausführbar. Installieren Sie Meshdeck neu oder geben Sie --backend PFAD an.</translation>
    </message>
    <message>
        <source>Cannot create the data directory %1.</source>
        <translation>Das Datenverzeichnis %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>Could not run %1: %2</source>
        <translation>%1 konnte nicht ausgeführt werden: %2</translation>
    </message>
    <message>
        <source>— starting %1 %2</source>
        <translation>— starte %1 %2</translation>
    </message>
    <message>
        <source>meshdeckd started but its ready line could not be used (url %1, token file %2).</source>
        <translation>meshdeckd ist gestartet, aber seine Bereitschaftszeile war unbrauchbar (URL %1, Token-Datei %2).</translation>
    </message>
    <message>
        <source>— meshdeckd exited (%1)</source>
        <translation>— meshdeckd beendet (%1)</translation>
    </message>
    <message>
        <source>crashed</source>
        <translation>abgestürzt</translation>
    </message>
    <message>
        <source>code %1</source>
        <translation>Code %1</translation>
    </message>
    <message>
        <source>meshdeckd crashed.</source>
        <translation>meshdeckd ist abgestürzt.</translation>
    </message>
    <message>
        <source>meshdeckd refused the data directory: its database was written by a newer version.</source>
        <translation>meshdeckd lehnt das Datenverzeichnis ab: Die Datenbank wurde von einer neueren Version geschrieben.</translation>
    </message>
    <message>
        <source>meshdeckd exited with code %1.</source>
        <translation>meshdeckd wurde mit Code %1 beendet.</translation>
    </message>
    <message>
        <source>meshdeckd did not report ready within %1 s.</source>
        <translation>meshdeckd hat sich nicht innerhalb von %1 s bereit gemeldet.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::MessagesModel</name>
    <message>
        <source>%1 is typing…</source>
        <translation>%1 tippt …</translation>
    </message>
    <message>
        <source>%1 and %2 are typing…</source>
        <translation>%1 und %2 tippen …</translation>
    </message>
    <message numerus="yes">
        <source>%n people are typing…</source>
        <translation>
            <numerusform>%n Person tippt …</numerusform>
            <numerusform>%n Personen tippen …</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not read the messages sent meanwhile: %1</source>
        <translation>Die zwischenzeitlich gesendeten Nachrichten konnten nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Could not load the messages: %1</source>
        <translation>Die Nachrichten konnten nicht geladen werden: %1</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::NavigationModel</name>
    <message>
        <source>Overview</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Dienste</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Gateway</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>Ereignisse</translation>
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
        <translation>Zugriff</translation>
    </message>
    <message>
        <source>Local stack</source>
        <translation>Lokaler Stack</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::Permission</name>
    <message>
        <source>No console session.</source>
        <translation>Keine Konsolensitzung.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::PrincipalsModel</name>
    <message>
        <source>The admin token</source>
        <translation>Das Admin-Token</translation>
    </message>
    <message>
        <source>User %1 (%2)</source>
        <translation>Benutzer %1 (%2)</translation>
    </message>
    <message>
        <source>API key %1 (%2…)</source>
        <translation>API-Schlüssel %1 (%2…)</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::ProfilesModel</name>
    <message>
        <source>A profile named &quot;%1&quot; exists already: choose another name.</source>
        <translation>Ein Profil namens „%1“ gibt es bereits: Wählen Sie einen anderen Namen.</translation>
    </message>
    <message>
        <source>This profile no longer exists.</source>
        <translation>Dieses Profil gibt es nicht mehr.</translation>
    </message>
    <message>
        <source>Enter the API key this console uses for the cluster.</source>
        <translation>Geben Sie den API-Schlüssel ein, den diese Konsole für den Cluster verwendet.</translation>
    </message>
    <message>
        <source>Enter the admin token this console uses for the cluster.</source>
        <translation>Geben Sie das Admin-Token ein, das diese Konsole für den Cluster verwendet.</translation>
    </message>
    <message>
        <source>The profile was not saved: %1</source>
        <translation>Das Profil wurde nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>The profile was not removed: its credential could not be deleted from the keychain: %1</source>
        <translation>Das Profil wurde nicht entfernt: Seine Zugangsdaten konnten nicht aus dem Schlüsselbund gelöscht werden: %1</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::RegistryController</name>
    <message>
        <source>Draining %1.</source>
        <translation>%1 wird geleert.</translation>
    </message>
    <message>
        <source>Deregistered %1.</source>
        <translation>%1 wurde abgemeldet.</translation>
    </message>
    <message>
        <source>The weight of %1 is now %2.</source>
        <translation>Das Gewicht von %1 ist jetzt %2.</translation>
    </message>
    <message>
        <source>Could not load the latest status changes: %1</source>
        <translation>Die letzten Statuswechsel konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Could not load this instance&apos;s history: %1</source>
        <translation>Der Verlauf dieser Instanz konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>HTTP GET %1 every %2 ms</source>
        <translation>HTTP GET %1 alle %2 ms</translation>
    </message>
    <message>
        <source>TCP connect every %1 ms</source>
        <translation>TCP-Verbindung alle %1 ms</translation>
    </message>
    <message>
        <source>Heartbeat within %1 ms</source>
        <translation>Heartbeat innerhalb von %1 ms</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Jeder Status</translation>
    </message>
    <message>
        <source>Passing</source>
        <translation>Gesund</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Kritisch</translation>
    </message>
    <message>
        <source>Draining</source>
        <translation>Im Leeren</translation>
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
        <translation>abwesend</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>presence unknown</source>
        <translation>Anwesenheit unbekannt</translation>
    </message>
    <message>
        <source>%1: (message deleted)</source>
        <translation>%1: (Nachricht gelöscht)</translation>
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
        <translation>keine</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>created</source>
        <translation>angelegt</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>gelöscht</translation>
    </message>
    <message>
        <source>restored</source>
        <translation>wiederhergestellt</translation>
    </message>
    <message>
        <source>updated</source>
        <translation>geändert</translation>
    </message>
    <message>
        <source>%1%2 → %3, timeout %4 ms, %5 retries</source>
        <translation>%1%2 → %3, Zeitlimit %4 ms, %5 Wiederholungen</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>This route no longer exists (it was deleted).</source>
        <translation>Diese Route existiert nicht mehr (sie wurde gelöscht).</translation>
    </message>
    <message>
        <source>Could not load the route: %1</source>
        <translation>Die Route konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>This route was changed while you edited version %1: it is version %2 now. Reload it to see that change; your edits here are not saved.</source>
        <translation>Diese Route wurde geändert, während Sie Version %1 bearbeitet haben: Sie ist jetzt Version %2. Laden Sie sie neu, um die Änderung zu sehen; Ihre Änderungen hier sind nicht gespeichert.</translation>
    </message>
    <message>
        <source>%1 changed this route while you edited version %2: it is version %3 now. Reload it to see their change; your edits here are not saved.</source>
        <translation>%1 hat diese Route geändert, während Sie Version %2 bearbeitet haben: Sie ist jetzt Version %3. Laden Sie sie neu, um diese Änderung zu sehen; Ihre Änderungen hier sind nicht gespeichert.</translation>
    </message>
    <message>
        <source>The preview failed</source>
        <translation>Die Vorschau ist fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1: %2 → %3</source>
        <translation>%1: %2 → %3</translation>
    </message>
    <message>
        <source>Takes requests that route %1 gets today (this match is more specific).</source>
        <translation>Übernimmt Anfragen, die heute Route %1 erhält (dieser Treffer ist spezifischer).</translation>
    </message>
    <message>
        <source>Route %1 is more specific and keeps part of these requests.</source>
        <translation>Route %1 ist spezifischer und behält einen Teil dieser Anfragen.</translation>
    </message>
    <message>
        <source>Route %1 has the same match: saving is refused.</source>
        <translation>Route %1 hat denselben Treffer: Das Speichern wird abgelehnt.</translation>
    </message>
    <message>
        <source>Service %1 has no instance yet: requests get 503 until one registers.</source>
        <translation>Dienst %1 hat noch keine Instanz: Anfragen erhalten 503, bis sich eine registriert.</translation>
    </message>
    <message numerus="yes">
        <source>Service %1: %n instance(s), %2 passing.</source>
        <translation>
            <numerusform>Dienst %1: %n Instanz, %2 gesund.</numerusform>
            <numerusform>Dienst %1: %n Instanzen, %2 gesund.</numerusform>
        </translation>
    </message>
    <message>
        <source>No service of that name is registered: requests get 503 until one registers.</source>
        <translation>Kein Dienst dieses Namens ist registriert: Anfragen erhalten 503, bis sich einer registriert.</translation>
    </message>
    <message>
        <source>The route was not saved</source>
        <translation>Die Route wurde nicht gespeichert</translation>
    </message>
    <message>
        <source>Route %1 created.</source>
        <translation>Route %1 angelegt.</translation>
    </message>
    <message>
        <source>Route %1 saved as version %2.</source>
        <translation>Route %1 als Version %2 gespeichert.</translation>
    </message>
    <message>
        <source>The route was not deleted</source>
        <translation>Die Route wurde nicht gelöscht</translation>
    </message>
    <message>
        <source>The route was not deleted: %1</source>
        <translation>Die Route wurde nicht gelöscht: %1</translation>
    </message>
    <message>
        <source>Route deleted. Its history keeps it: restore it from there.</source>
        <translation>Route gelöscht. Ihr Verlauf bewahrt sie auf: Stellen Sie sie von dort wieder her.</translation>
    </message>
    <message>
        <source>Could not load the route&apos;s history: %1</source>
        <translation>Der Verlauf der Route konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Version %1 was not restored</source>
        <translation>Version %1 wurde nicht wiederhergestellt</translation>
    </message>
    <message>
        <source>Version %1 was not restored: %2</source>
        <translation>Version %1 wurde nicht wiederhergestellt: %2</translation>
    </message>
    <message>
        <source>Version %1 restored as version %2.</source>
        <translation>Version %1 als Version %2 wiederhergestellt.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::SecretStore</name>
    <message>
        <source>No keychain is available (on Linux: a Secret Service such as GNOME Keyring or KWallet must be running): %1</source>
        <translation>Kein Schlüsselbund verfügbar (unter Linux muss ein Secret Service wie GNOME Keyring oder KWallet laufen): %1</translation>
    </message>
    <message>
        <source>The keychain refused access: %1</source>
        <translation>Der Schlüsselbund hat den Zugriff verweigert: %1</translation>
    </message>
    <message>
        <source>The keychain failed: %1</source>
        <translation>Der Schlüsselbund ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>The keychain request was abandoned.</source>
        <translation>Die Anfrage an den Schlüsselbund wurde abgebrochen.</translation>
    </message>
    <message>
        <source>The keychain holds no credential for this profile: edit the profile and enter it again.</source>
        <translation>Der Schlüsselbund enthält keine Zugangsdaten für dieses Profil: Bearbeiten Sie das Profil und geben Sie sie erneut ein.</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::Session</name>
    <message>
        <source>Your session has ended: the keychain could not keep it (%1). Sign in again.</source>
        <translation>Ihre Sitzung ist beendet: Der Schlüsselbund konnte sie nicht verwahren (%1). Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>Admin</translation>
    </message>
    <message>
        <source>developer</source>
        <translation>Entwickler</translation>
    </message>
    <message>
        <source>support</source>
        <translation>Support</translation>
    </message>
    <message>
        <source>user</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Admin token</source>
        <translation>Admin-Token</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>API key of %1</source>
        <translation>API-Schlüssel von %1</translation>
    </message>
    <message>
        <source>Sign in first.</source>
        <translation>Melden Sie sich zuerst an.</translation>
    </message>
    <message>
        <source>Checking what you may do…</source>
        <translation>Prüfe, was Sie tun dürfen …</translation>
    </message>
    <message>
        <source>This API key (role %1) may not do this: its role or scopes lack the permission %2.</source>
        <translation>Dieser API-Schlüssel (Rolle %1) darf das nicht: Seiner Rolle oder seinen Scopes fehlt die Berechtigung %2.</translation>
    </message>
    <message>
        <source>Your role (%1) may not do this: it needs the permission %2.</source>
        <translation>Ihre Rolle (%1) darf das nicht: Dafür ist die Berechtigung %2 nötig.</translation>
    </message>
    <message>
        <source>Your session expired. Sign in again to carry on where you were.</source>
        <translation>Ihre Sitzung ist abgelaufen. Melden Sie sich erneut an, um dort weiterzumachen, wo Sie waren.</translation>
    </message>
    <message>
        <source>Your session was ended: you signed out elsewhere, your password changed, or an administrator ended it. Sign in again to carry on where you were.</source>
        <translation>Ihre Sitzung wurde beendet: Sie haben sich anderswo abgemeldet, Ihr Passwort wurde geändert oder die Administration hat sie beendet. Melden Sie sich erneut an, um dort weiterzumachen, wo Sie waren.</translation>
    </message>
    <message>
        <source>Your session was ended because its refresh token was used twice, possibly by someone else. Sign in again, and change your password if you did not expect this.</source>
        <translation>Ihre Sitzung wurde beendet, weil ihr Refresh-Token zweimal verwendet wurde, womöglich von jemand anderem. Melden Sie sich erneut an und ändern Sie Ihr Passwort, falls Sie das nicht erwartet haben.</translation>
    </message>
    <message>
        <source>Your account is disabled: ask an administrator to enable it.</source>
        <translation>Ihr Konto ist deaktiviert: Bitten Sie die Administration, es zu aktivieren.</translation>
    </message>
    <message>
        <source>Your session has ended. Sign in again.</source>
        <translation>Ihre Sitzung ist beendet. Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>Sign in with your email address and password.</source>
        <translation>Melden Sie sich mit Ihrer E-Mail-Adresse und Ihrem Passwort an.</translation>
    </message>
    <message>
        <source>The stored session could not be read from the keychain (%1). Sign in again.</source>
        <translation>Die gespeicherte Sitzung konnte nicht aus dem Schlüsselbund gelesen werden (%1). Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>Your last session has ended. Sign in again.</source>
        <translation>Ihre letzte Sitzung ist beendet. Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>The cluster could not renew your session: %1</source>
        <translation>Der Cluster konnte Ihre Sitzung nicht erneuern: %1</translation>
    </message>
    <message>
        <source>Enter your email address and your password.</source>
        <translation>Geben Sie Ihre E-Mail-Adresse und Ihr Passwort ein.</translation>
    </message>
    <message>
        <source>Too many sign-in attempts. Wait before you try again.</source>
        <translation>Zu viele Anmeldeversuche. Warten Sie, bevor Sie es erneut versuchen.</translation>
    </message>
    <message>
        <source>The email address or the password is wrong.</source>
        <translation>Die E-Mail-Adresse oder das Passwort ist falsch.</translation>
    </message>
    <message>
        <source>The cluster&apos;s answer to the sign-in had no access token.</source>
        <translation>Die Antwort des Clusters auf die Anmeldung enthielt kein Access-Token.</translation>
    </message>
    <message>
        <source>Signed in, but the keychain could not keep the session (%1): you will be asked to sign in again when it expires.</source>
        <translation>Angemeldet, aber der Schlüsselbund konnte die Sitzung nicht verwahren (%1): Sie werden erneut zur Anmeldung aufgefordert, wenn sie abläuft.</translation>
    </message>
    <message>
        <source>Your session could not be renewed: %1 Sign in again.</source>
        <translation>Ihre Sitzung konnte nicht erneuert werden: %1 Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>the keychain holds no session.</source>
        <translation>Der Schlüsselbund enthält keine Sitzung.</translation>
    </message>
    <message>
        <source>You signed out.</source>
        <translation>Sie haben sich abgemeldet.</translation>
    </message>
    <message>
        <source>The cluster did not confirm it (%1); the session ends by itself when its token expires.</source>
        <translation>Der Cluster hat das nicht bestätigt (%1); die Sitzung endet von selbst, wenn ihr Token abläuft.</translation>
    </message>
    <message>
        <source>The keychain still holds the session: %1</source>
        <translation>Der Schlüsselbund enthält die Sitzung noch: %1</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::SessionsModel</name>
    <message>
        <source>Never used</source>
        <translation>Nie verwendet</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::TopicsModel</name>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n Tag</numerusform>
            <numerusform>%n Tage</numerusform>
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
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source>%1 events · %2 · %3/s · kept %4</source>
        <translation>%1 Ereignisse · %2 · %3/s · aufbewahrt %4</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::UsersModel</name>
    <message>
        <source>Never signed in</source>
        <translation>Nie angemeldet</translation>
    </message>
</context>
<context>
    <name>Meshdeck::Console::WebhooksModel</name>
    <message>
        <source>enabled</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>disabled: %1</source>
        <translation>deaktiviert: %1</translation>
    </message>
</context>
<context>
    <name>OverviewPage</name>
    <message>
        <source>Overview</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Local stack on this machine</source>
        <translation>Lokaler Stack auf diesem Rechner</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>%1 Retrying in %2 s.</source>
        <translation>%1 Neuer Versuch in %2 s.</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Jetzt erneut versuchen</translation>
    </message>
    <message>
        <source>Start the local stack again</source>
        <translation>Lokalen Stack erneut starten</translation>
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
        <translation>Modus</translation>
    </message>
    <message>
        <source>Local (SQLite, one process)</source>
        <translation>Lokal (SQLite, ein Prozess)</translation>
    </message>
    <message>
        <source>Node</source>
        <translation>Knoten</translation>
    </message>
    <message>
        <source>Up for</source>
        <translation>Läuft seit</translation>
    </message>
    <message>
        <source>Data directory</source>
        <translation>Datenverzeichnis</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Dienste</translation>
    </message>
    <message>
        <source>Waiting for the registry…</source>
        <translation>Warte auf die Registry …</translation>
    </message>
    <message>
        <source>Latest status changes</source>
        <translation>Letzte Statuswechsel</translation>
    </message>
    <message>
        <source>No status change yet.</source>
        <translation>Noch kein Statuswechsel.</translation>
    </message>
    <message>
        <source>Retry connecting now</source>
        <translation>Jetzt erneut verbinden</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Retry loading the latest status changes</source>
        <translation>Letzte Statuswechsel erneut laden</translation>
    </message>
    <message>
        <source>Remote backend: %1</source>
        <translation>Entferntes Backend: %1</translation>
    </message>
    <message>
        <source>Cluster members</source>
        <translation>Clustermitglieder</translation>
    </message>
    <message>
        <source>This backend is a single node (no cluster).</source>
        <translation>Dieses Backend ist ein einzelner Knoten (kein Cluster).</translation>
    </message>
    <message>
        <source>Node %1 at %2: %3</source>
        <translation>Knoten %1 unter %2: %3</translation>
    </message>
    <message>
        <source>%1 · %2 connections · load %3 · seen %4</source>
        <translation>%1 · %2 Verbindungen · Last %3 · gesehen vor %4</translation>
    </message>
    <message>
        <source>The backend lists no members.</source>
        <translation>Das Backend listet keine Mitglieder.</translation>
    </message>
    <message>
        <source>Retry loading the cluster members</source>
        <translation>Clustermitglieder erneut laden</translation>
    </message>
    <message>
        <source>All clusters</source>
        <translation>Alle Cluster</translation>
    </message>
    <message>
        <source>All cluster profiles</source>
        <translation>Alle Clusterprofile</translation>
    </message>
    <message>
        <source>not checked yet</source>
        <translation>noch nicht geprüft</translation>
    </message>
    <message>
        <source>unreachable: %1</source>
        <translation>nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>reachable · %1 critical services · %2 nodes</source>
        <translation>erreichbar · %1 kritische Dienste · %2 Knoten</translation>
    </message>
    <message>
        <source>Check all clusters now</source>
        <translation>Alle Cluster jetzt prüfen</translation>
    </message>
    <message>
        <source>%1 · %2 connections · load %3</source>
        <translation>%1 · %2 Verbindungen · Last %3</translation>
    </message>
    <message>
        <source>Running builds will appear here once this backend provides the deployments service.</source>
        <translation>Laufende Builds erscheinen hier, sobald dieses Backend den Deployments-Dienst anbietet.</translation>
    </message>
    <message>
        <source>Gateway</source>
        <translation>Gateway</translation>
    </message>
    <message>
        <source>This backend has no gateway.</source>
        <translation>Dieses Backend hat kein Gateway.</translation>
    </message>
    <message>
        <source>requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>p95 latency</source>
        <translation>p95-Latenz</translation>
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
        <translation>alle paar Sekunden aktualisiert</translation>
    </message>
    <message>
        <source>Waiting for the gateway…</source>
        <translation>Warte auf das Gateway …</translation>
    </message>
    <message>
        <source>Open the Gateway page</source>
        <translation>Gateway-Seite öffnen</translation>
    </message>
</context>
<context>
    <name>ServicesPage</name>
    <message>
        <source>Services</source>
        <translation>Dienste</translation>
    </message>
    <message>
        <source>Live: %1 passing, %2 warning, %3 critical, %4 draining</source>
        <translation>Live: %1 gesund, %2 Warnung, %3 kritisch, %4 im Leeren</translation>
    </message>
    <message>
        <source>Waiting for the registry…</source>
        <translation>Warte auf die Registry …</translation>
    </message>
    <message>
        <source>All services (%1)</source>
        <translation>Alle Dienste (%1)</translation>
    </message>
    <message>
        <source>%1 passing</source>
        <translation>%1 gesund</translation>
    </message>
    <message>
        <source>%1 warning</source>
        <translation>%1 Warnung</translation>
    </message>
    <message>
        <source>%1 critical</source>
        <translation>%1 kritisch</translation>
    </message>
    <message>
        <source>%1 draining</source>
        <translation>%1 im Leeren</translation>
    </message>
    <message>
        <source>Versions: %1</source>
        <translation>Versionen: %1</translation>
    </message>
    <message>
        <source>Search address, version, tag or id</source>
        <translation>Adresse, Version, Tag oder ID suchen</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Weight</source>
        <translation>Gewicht</translation>
    </message>
    <message>
        <source>Heartbeat</source>
        <translation>Heartbeat</translation>
    </message>
    <message>
        <source>Uptime</source>
        <translation>Laufzeit</translation>
    </message>
    <message>
        <source>No instance is registered yet. Register one with POST /v1/registry/services/&lt;name&gt;/instances, or run meshdeckd --role echo --register &lt;this backend&apos;s URL&gt;.</source>
        <translation>Noch ist keine Instanz registriert. Registrieren Sie eine mit POST /v1/registry/services/&lt;name&gt;/instances oder starten Sie meshdeckd --role echo --register &lt;URL dieses Backends&gt;.</translation>
    </message>
    <message>
        <source>No instance matches the filter.</source>
        <translation>Keine Instanz passt zum Filter.</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>Last output</source>
        <translation>Letzte Ausgabe</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>Instance id</source>
        <translation>Instanz-ID</translation>
    </message>
    <message>
        <source>Drain…</source>
        <translation>Leeren …</translation>
    </message>
    <message>
        <source>Deregister…</source>
        <translation>Abmelden …</translation>
    </message>
    <message>
        <source>Set weight…</source>
        <translation>Gewicht setzen …</translation>
    </message>
    <message>
        <source>Status history</source>
        <translation>Statusverlauf</translation>
    </message>
    <message>
        <source>No status change yet.</source>
        <translation>Noch kein Statuswechsel.</translation>
    </message>
    <message>
        <source>Drain %1?</source>
        <translation>%1 leeren?</translation>
    </message>
    <message>
        <source>Deregister %1?</source>
        <translation>%1 abmelden?</translation>
    </message>
    <message>
        <source>Change the weight of %1?</source>
        <translation>Gewicht von %1 ändern?</translation>
    </message>
    <message>
        <source>Its weight becomes 0, so the gateway sends it no new requests. It is deregistered as soon as it reports no requests in flight, or in 30 s at the latest. Registering it again ends the drain.</source>
        <translation>Ihr Gewicht wird 0, das Gateway schickt ihr also keine neuen Anfragen. Sie wird abgemeldet, sobald sie keine laufenden Anfragen mehr meldet, spätestens nach 30 s. Eine erneute Registrierung beendet das Leeren.</translation>
    </message>
    <message>
        <source>It leaves the registry now and its checks stop; its history is kept for 7 days. If it is still running, its next heartbeat is refused and it may register itself again.</source>
        <translation>Sie verlässt die Registry sofort und ihre Prüfungen enden; ihr Verlauf bleibt 7 Tage erhalten. Läuft sie noch, wird ihr nächster Heartbeat abgelehnt und sie registriert sich womöglich erneut.</translation>
    </message>
    <message>
        <source>Its weight goes from %1 to %2: it would get %3 % of the traffic %4 sends to its passing and warning instances.</source>
        <translation>Ihr Gewicht ändert sich von %1 auf %2: Sie bekäme %3 % des Verkehrs, den %4 an seine gesunden und gewarnten Instanzen schickt.</translation>
    </message>
    <message>
        <source>%1: %2 passing, %3 warning, %4 critical, %5 draining</source>
        <translation>%1: %2 gesund, %3 Warnung, %4 kritisch, %5 im Leeren</translation>
    </message>
    <message>
        <source>Search instances</source>
        <translation>Instanzen durchsuchen</translation>
    </message>
    <message>
        <source>Filter by status</source>
        <translation>Nach Status filtern</translation>
    </message>
    <message>
        <source>Instances</source>
        <translation>Instanzen</translation>
    </message>
    <message>
        <source>%1 %2, %3, version %4</source>
        <translation>%1 %2, %3, Version %4</translation>
    </message>
    <message>
        <source>Drain this instance</source>
        <translation>Diese Instanz leeren</translation>
    </message>
    <message>
        <source>Deregister this instance</source>
        <translation>Diese Instanz abmelden</translation>
    </message>
    <message>
        <source>New weight</source>
        <translation>Neues Gewicht</translation>
    </message>
    <message>
        <source>Set the new weight</source>
        <translation>Neues Gewicht setzen</translation>
    </message>
    <message>
        <source>Retry loading the status history</source>
        <translation>Statusverlauf erneut laden</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>Bestätigen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Loading the services…</source>
        <translation>Dienste werden geladen …</translation>
    </message>
    <message>
        <source>Checked by</source>
        <translation>Geprüft von</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>Darstellung</translation>
    </message>
    <message>
        <source>Dark theme</source>
        <translation>Dunkles Design</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Benachrichtigungen</translation>
    </message>
    <message>
        <source>Service critical</source>
        <translation>Dienst kritisch</translation>
    </message>
    <message>
        <source>Notify when a service goes critical</source>
        <translation>Benachrichtigen, wenn ein Dienst kritisch wird</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>not yet</source>
        <translation>noch nicht</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>Seiten</translation>
    </message>
    <message>
        <source>%1 (not available yet)</source>
        <translation>%1 (noch nicht verfügbar)</translation>
    </message>
</context>
<context>
    <name>StateText</name>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbinde…</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>Verbinde erneut…</translation>
    </message>
    <message>
        <source>Not attached</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>Startet</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Stopping</source>
        <translation>Stoppt</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Gestoppt</translation>
    </message>
    <message>
        <source>Passing</source>
        <translation>Gesund</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>Kritisch</translation>
    </message>
    <message>
        <source>Draining</source>
        <translation>Im Leeren</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 T %2 h</translation>
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
        <translation>vor %1</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>down %1</source>
        <translation>ausgefallen seit %1</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>Abgelehnt</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Local stack · %1</source>
        <translation>Lokaler Stack · %1</translation>
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
        <translation>kein Name</translation>
    </message>
    <message>
        <source>The certificate of %1 expired on %2: renew it on the server, then connect again.</source>
        <translation>Das Zertifikat von %1 ist am %2 abgelaufen: Erneuern Sie es auf dem Server und verbinden Sie sich dann erneut.</translation>
    </message>
    <message>
        <source>The certificate of %1 is valid only from %2: check the clock of this machine and of the server.</source>
        <translation>Das Zertifikat von %1 ist erst ab %2 gültig: Prüfen Sie die Uhr dieses Rechners und des Servers.</translation>
    </message>
    <message>
        <source>The key of %1 (SHA-256 %2) matches neither pin of this profile. If the server&apos;s key was changed on purpose, update the pin; otherwise someone may be intercepting the connection.</source>
        <translation>Der Schlüssel von %1 (SHA-256 %2) passt zu keinem Pin dieses Profils. Wurde der Schlüssel des Servers absichtlich gewechselt, aktualisieren Sie den Pin; andernfalls fängt womöglich jemand die Verbindung ab.</translation>
    </message>
    <message>
        <source>The TLS connection to %1 failed: %2</source>
        <translation>Die TLS-Verbindung zu %1 ist fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>%1 presented a certificate that no authority this system trusts has signed. Compare its fingerprint with the one its administrator gives you, then trust it or cancel.</source>
        <translation>%1 hat ein Zertifikat vorgelegt, das keine Zertifizierungsstelle signiert hat, der dieses System vertraut. Vergleichen Sie seinen Fingerabdruck mit dem, den Ihnen die Administration nennt, und vertrauen Sie ihm oder brechen Sie ab.</translation>
    </message>
    <message>
        <source>The certificate of %1 was issued by &quot;%2&quot;, which is not the CA in this profile&apos;s CA file: choose the CA file that issued it, or pin its key.</source>
        <translation>Das Zertifikat von %1 wurde von „%2“ ausgestellt, nicht von der CA in der CA-Datei dieses Profils: Wählen Sie die CA-Datei, die es ausgestellt hat, oder pinnen Sie seinen Schlüssel.</translation>
    </message>
    <message>
        <source>The certificate of %1 was issued by &quot;%2&quot;, which this system does not trust: give the profile that CA&apos;s file, or pin the server&apos;s key.</source>
        <translation>Das Zertifikat von %1 wurde von „%2“ ausgestellt, dem dieses System nicht vertraut: Geben Sie dem Profil die Datei dieser CA oder pinnen Sie den Schlüssel des Servers.</translation>
    </message>
    <message>
        <source>The certificate is for %1, not %2: use the name it was issued for, or fix the certificate.</source>
        <translation>Das Zertifikat gilt für %1, nicht für %2: Verwenden Sie den Namen, für den es ausgestellt wurde, oder korrigieren Sie das Zertifikat.</translation>
    </message>
</context>
<context>
    <name>UnavailablePage</name>
    <message>
        <source>This backend has no %1 service yet, so there is nothing to show here. The page will fill in when meshdeckd provides it.</source>
        <translation>Dieses Backend hat noch keinen Dienst %1, daher gibt es hier nichts anzuzeigen. Die Seite füllt sich, sobald meshdeckd ihn bereitstellt.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Meshdeck admin console.</source>
        <translation>Meshdeck-Administrationskonsole.</translation>
    </message>
    <message>
        <source>The meshdeckd to start for the local stack.</source>
        <translation>Das meshdeckd, das für den lokalen Stack gestartet wird.</translation>
    </message>
    <message>
        <source>The local stack&apos;s data directory.</source>
        <translation>Das Datenverzeichnis des lokalen Stacks.</translation>
    </message>
    <message>
        <source>Attach to a running backend instead of starting one.</source>
        <translation>Mit einem laufenden Backend verbinden, statt eines zu starten.</translation>
    </message>
    <message>
        <source>File holding the bearer token for --attach.</source>
        <translation>Datei mit dem Bearer-Token für --attach.</translation>
    </message>
    <message>
        <source>light or dark, for this run.</source>
        <translation>light oder dark, für diesen Lauf.</translation>
    </message>
    <message>
        <source>en or de, for this run.</source>
        <translation>en oder de, für diesen Lauf.</translation>
    </message>
    <message>
        <source>Once connected, save a screenshot, print start-up figures as JSON and quit.</source>
        <translation>Nach dem Verbinden ein Bildschirmfoto speichern, Startkennzahlen als JSON ausgeben und beenden.</translation>
    </message>
    <message>
        <source>How long --screenshot waits to connect.</source>
        <translation>Wie lange --screenshot auf die Verbindung wartet.</translation>
    </message>
    <message>
        <source>The page to open: overview, services, gateway, events, deployments, chat, access, localstack, settings.</source>
        <translation>Die zu öffnende Seite: overview, services, gateway, events, deployments, chat, access, localstack, settings.</translation>
    </message>
    <message>
        <source>The topic the Events page tails first.</source>
        <translation>Das Topic, das die Ereignisseite zuerst zeigt.</translation>
    </message>
    <message>
        <source>With --screenshot: wait until this text is on screen.</source>
        <translation>Mit --screenshot: warten, bis dieser Text zu sehen ist.</translation>
    </message>
    <message>
        <source>When a service going critical notifies the desktop: background, always or off, for this run.</source>
        <translation>Wann ein kritisch werdender Dienst den Desktop benachrichtigt: background, always oder off, für diesen Lauf.</translation>
    </message>
    <message>
        <source>Attach to the cluster profile with this name (its credential comes from the keychain).</source>
        <translation>Mit dem Clusterprofil dieses Namens verbinden (die Zugangsdaten kommen aus dem Schlüsselbund).</translation>
    </message>
</context>
</TS>
