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
        default: return qsTr("Not attached")
        }
    }
    function connectionColor(state) {
        switch (state) {
        case BackendConnection.Connected: return Theme.passing
        case BackendConnection.Reconnecting: return Theme.critical
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
}
