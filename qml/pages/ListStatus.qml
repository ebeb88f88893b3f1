import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Theme

// What a list shows instead of rows: that it is loading, why its request failed (with a retry),
// or an empty state that explains itself. A failed request never looks like "nothing here".
ColumnLayout {
    id: status
    property bool loading
    property string error
    property bool empty
    property string emptyText
    // Says what is retried, for screen readers: "Retry loading the consumer groups".
    property string retryName: qsTr("Retry")
    signal retry()

    readonly property bool failed: error.length > 0
    visible: failed || (empty && (loading || emptyText.length > 0))
    spacing: 4

    Label {
        visible: !status.failed && status.loading
        text: qsTr("Loading…")
        color: Theme.mutedText
    }
    RowLayout {
        visible: status.failed
        spacing: 8
        Layout.fillWidth: true
        Label {
            objectName: "listError"
            text: status.error
            color: Theme.critical
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
        Button {
            text: qsTr("Retry")
            Accessible.name: status.retryName
            onClicked: status.retry()
        }
    }
    Label {
        visible: !status.failed && !status.loading && status.empty
        text: status.emptyText
        color: Theme.mutedText
        wrapMode: Text.WordWrap
        Layout.fillWidth: true
    }
}
