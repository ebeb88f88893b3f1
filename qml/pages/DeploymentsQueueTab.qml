pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// The build queue of every site: what waits, and what each worker is building.
ColumnLayout {
    id: tab
    required property DeploymentsController deployments

    spacing: 8

    ListStatus {
        Layout.fillWidth: true
        loading: tab.deployments.queue.loading
        error: tab.deployments.queue.error
        empty: tab.deployments.queue.count === 0
        emptyText: qsTr("Nothing is queued or building.")
        retryName: qsTr("Retry loading the build queue")
        onRetry: tab.deployments.refresh()
    }
    ListView {
        id: list
        objectName: "buildQueue"
        Layout.fillWidth: true
        Layout.fillHeight: true
        clip: true
        model: tab.deployments.queue
        Accessible.role: Accessible.List
        Accessible.name: qsTr("Build queue")
        delegate: RowLayout {
            id: row
            required property string deploymentId
            required property string siteName
            required property string status
            required property string worker
            required property string sourceText
            width: list.width
            spacing: 8
            DeploymentsStatusBadge {
                status: row.status
            }
            Label {
                text: row.siteName
                font.bold: true
                color: Theme.text
            }
            Label {
                text: row.deploymentId
                font.family: Theme.monospace
                color: Theme.text
            }
            Label {
                text: row.sourceText
                color: Theme.mutedText
                elide: Text.ElideMiddle
                Layout.fillWidth: true
            }
            Label {
                text: row.worker.length > 0 ? qsTr("on %1").arg(row.worker) : qsTr("waiting for a worker")
                color: Theme.mutedText
                Accessible.role: Accessible.StaticText
                Accessible.name: text
            }
        }
    }
}
