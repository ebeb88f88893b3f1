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

    // The workers: each node's in-process one and the separate `--role build-worker` processes.
    Label {
        text: qsTr("Workers")
        font.bold: true
        color: Theme.text
        Accessible.role: Accessible.Heading
        Accessible.name: text
    }
    ListStatus {
        Layout.fillWidth: true
        loading: tab.deployments.workers.loading
        error: tab.deployments.workers.error
        empty: tab.deployments.workers.count === 0
        emptyText: qsTr("No build worker is registered: builds wait until one is.")
        retryName: qsTr("Retry loading the build workers")
        onRetry: tab.deployments.refresh()
    }
    ListView {
        id: workerList
        objectName: "buildWorkers"
        Layout.fillWidth: true
        Layout.preferredHeight: contentHeight
        interactive: false
        model: tab.deployments.workers
        Accessible.role: Accessible.List
        Accessible.name: qsTr("Build workers")
        delegate: RowLayout {
            id: workerRow
            required property string workerId
            required property string where
            required property string status
            required property int concurrency
            required property string building
            required property int buildingCount
            width: workerList.width
            spacing: 8
            Label {
                text: workerRow.workerId
                font.family: Theme.monospace
                color: Theme.text
            }
            Label {
                text: workerRow.where
                color: Theme.mutedText
            }
            Label {
                text: workerRow.status
                color: workerRow.status === "passing" ? Theme.passing
                     : workerRow.status === "critical" ? Theme.critical : Theme.warning
            }
            Label {
                Layout.fillWidth: true
                elide: Text.ElideRight
                text: workerRow.buildingCount > 0
                      ? qsTr("building %1 of %2: %3").arg(workerRow.buildingCount).arg(workerRow.concurrency)
                                                     .arg(workerRow.building)
                      : qsTr("idle (0 of %1)").arg(workerRow.concurrency)
                color: Theme.text
                Accessible.role: Accessible.StaticText
                Accessible.name: qsTr("%1: %2").arg(workerRow.workerId).arg(text)
            }
        }
    }
    Label {
        text: qsTr("Builds")
        font.bold: true
        color: Theme.text
        Accessible.role: Accessible.Heading
        Accessible.name: text
    }

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
