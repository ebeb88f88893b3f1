<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
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
    <name>ClusterBand</name>
    <message>
        <source>Attached to %1: %2</source>
        <translation>Attached to %1: %2</translation>
    </message>
    <message>
        <source>node %1 (%2 of %3)</source>
        <translation>node %1 (%2 of %3)</translation>
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
    <name>Main</name>
    <message>
        <source>Meshdeck</source>
        <translation>Meshdeck</translation>
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
    <name>Meshdeck::Console::ClusterMembersModel</name>
    <message>
        <source>Could not load the cluster&apos;s members: %1</source>
        <translation>Could not load the cluster&apos;s members: %1</translation>
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
    <name>Meshdeck::Console::DesktopNotifier</name>
    <message>
        <source>%1 is critical</source>
        <translation>%1 is critical</translation>
    </message>
    <message>
        <source>Instance %1: %2</source>
        <translation>Instance %1: %2</translation>
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
        <source>Gateway traffic, error rate, p95 latency and running builds will appear here once this backend provides the gateway and deployments services.</source>
        <translation>Gateway traffic, error rate, p95 latency and running builds will appear here once this backend provides the gateway and deployments services.</translation>
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
