pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// A route's versions, newest first; any version with a spec can be made current again (restoring
// also brings a deleted route back).
Dialog {
    id: dialog
    required property RouteEditor editor
    property string routeId
    property string routeName

    function show(id: string, name: string) {
        routeId = id
        routeName = name
        editor.loadVersions(id)
        open()
    }

    objectName: "routeHistoryDialog"
    title: qsTr("History of route %1").arg(routeName)
    anchors.centerIn: Overlay.overlay
    modal: true
    width: Math.min(720, (Overlay.overlay ? Overlay.overlay.width : 760) - 40)
    height: Math.min(480, (Overlay.overlay ? Overlay.overlay.height : 520) - 40)
    focus: true
    closePolicy: Popup.CloseOnEscape
    footer: RowLayout {
        Item {
            Layout.fillWidth: true
        }
        Button {
            text: qsTr("Close")
            Accessible.name: qsTr("Close the history")
            onClicked: dialog.close()
        }
        Item {
            implicitWidth: 4
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 4
        ListView {
            id: versionList
            objectName: "versionList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: dialog.editor.versions
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Versions of %1").arg(dialog.routeName)
            delegate: RowLayout {
                id: entry
                required property int index
                required property int version
                required property string actionText
                required property string at
                required property string by
                required property string summary
                required property bool restorable
                width: versionList.width
                spacing: 8
                Label {
                    text: qsTr("v%1").arg(entry.version)
                    font.bold: true
                    color: Theme.text
                    Layout.preferredWidth: 40
                }
                Label {
                    text: qsTr("%1 %2 by %3").arg(entry.actionText).arg(entry.at).arg(entry.by)
                    color: Theme.mutedText
                    Layout.preferredWidth: 280
                    elide: Text.ElideRight
                }
                Label {
                    text: entry.summary
                    color: Theme.text
                    font.family: Theme.monospace
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
                Button {
                    text: qsTr("Restore")
                    visible: entry.restorable && entry.index !== 0
                    Accessible.name: qsTr("Restore version %1").arg(entry.version)
                    enabled: !dialog.editor.busy
                    onClicked: dialog.editor.restore(dialog.routeId, entry.version)
                }
            }
        }
        ListStatus {
            Layout.fillWidth: true
            loading: dialog.editor.versions.loading
            error: dialog.editor.versions.error
            empty: versionList.count === 0
            emptyText: qsTr("No version recorded.")
            retryName: qsTr("Retry loading the history")
            onRetry: dialog.editor.loadVersions(dialog.routeId)
        }
        Label {
            visible: text.length > 0
            text: dialog.editor.error
            color: Theme.critical
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
    }
}
