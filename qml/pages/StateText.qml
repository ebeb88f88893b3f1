pragma Singleton
import QtQuick
import Meshdeck.Core
import Meshdeck.Theme

// Words and colours for connection and local-stack states, in one place.
QtObject {
    function connection(state) {
        switch (state) {
        case BackendConnection.Connected: return qsTr("Connected")
        case BackendConnection.Connecting: return qsTr("Connecting…")
        case BackendConnection.Reconnecting: return qsTr("Reconnecting…")
        case BackendConnection.Refused: return qsTr("Refused")
        default: return qsTr("Not attached")
        }
    }
    function connectionColor(state) {
        switch (state) {
        case BackendConnection.Connected: return Theme.passing
        case BackendConnection.Reconnecting:
        case BackendConnection.Refused: return Theme.critical
        case BackendConnection.Connecting: return Theme.warning
        default: return Theme.idle
        }
    }
    function stack(state) {
        switch (state) {
        case LocalStack.Starting: return qsTr("Starting")
        case LocalStack.Running: return qsTr("Running")
        case LocalStack.Stopping: return qsTr("Stopping")
        case LocalStack.Failed: return qsTr("Failed")
        default: return qsTr("Stopped")
        }
    }
    function stackColor(state) {
        switch (state) {
        case LocalStack.Running: return Theme.passing
        case LocalStack.Failed: return Theme.critical
        case LocalStack.Starting:
        case LocalStack.Stopping: return Theme.warning
        default: return Theme.idle
        }
    }
    function health(status) {
        switch (status) {
        case "passing": return qsTr("Passing")
        case "warning": return qsTr("Warning")
        case "critical": return qsTr("Critical")
        case "draining": return qsTr("Draining")
        default: return status
        }
    }
    function healthColor(status) {
        switch (status) {
        case "passing": return Theme.passing
        case "warning": return Theme.warning
        case "critical": return Theme.critical
        default: return Theme.idle
        }
    }
    // The status icon compiled in from resources/icons/status/.
    function healthIcon(status) {
        switch (status) {
        case "passing":
        case "warning":
        case "critical":
        case "draining": return "qrc:/meshdeck/icons/status/" + status + ".svg"
        default: return "qrc:/meshdeck/icons/status/unknown.svg"
        }
    }
    // A duration in milliseconds as people read it: "4 s", "2 min 5 s", "3 h 12 min", "2 d 4 h".
    function duration(ms) {
        let s = Math.max(0, Math.floor(ms / 1000))
        const d = Math.floor(s / 86400); s -= d * 86400
        const h = Math.floor(s / 3600); s -= h * 3600
        const m = Math.floor(s / 60); s -= m * 60
        if (d > 0) return qsTr("%1 d %2 h").arg(d).arg(h)
        if (h > 0) return qsTr("%1 h %2 min").arg(h).arg(m)
        if (m > 0) return qsTr("%1 min %2 s").arg(m).arg(s)
        return qsTr("%1 s").arg(s)
    }
    // How long ago a time (ms since epoch) was, at `now`: "4 s ago"; "never" for 0.
    function age(now, ms) {
        return ms > 0 ? qsTr("%1 ago").arg(duration(now - ms)) : qsTr("never")
    }
    // An instance's uptime while it takes traffic, else how long it has been down.
    function instanceUptime(status, now, since) {
        return status === "passing" || status === "warning" ? duration(now - since)
                                                             : qsTr("down %1").arg(duration(now - since))
    }
    // How long since an ISO 8601 time (the backend's start): "2 h 5 min"; "–" when unknown.
    function since(iso, now) {
        const started = Date.parse(iso)
        return isNaN(started) ? "–" : duration(now - started)
    }
    // "Passing → Critical"
    function transition(from, to) {
        return health(from) + " → " + health(to)
    }
}
