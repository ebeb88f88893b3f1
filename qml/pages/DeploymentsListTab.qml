pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// A site's deployments, newest first, the ways to deploy, the actions, and the selected one's log.
// The list and the log are anchored, not in a layout: Qt 6.4's ColumnLayout could miss the list's
// new height when its first row arrived during a layout pass, and then stayed unlaid (0 high).
Item {
    id: tab
    required property DeploymentsController deployments
    property bool mayDeploy
    property bool mayActivate
    readonly property bool hasSite: deployments.selectedSite.length > 0

    function focusFilter() {
        logView.focusFilter()
    }
    function confirmAction(action: string, deploymentId: string) {
        confirm.action = action
        confirm.deploymentId = deploymentId
        confirm.open()
    }

    ColumnLayout {
        id: form
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        spacing: 8

        Label {
            visible: !tab.hasSite
            text: qsTr("Choose a site to see its deployments.")
            color: Theme.mutedText
        }

        // Deploy: from a git repository and branch, a .tar.gz, or (local stack only) a directory.
        RowLayout {
            visible: tab.hasSite
            enabled: tab.mayDeploy && !tab.deployments.busy
            spacing: 6
            Layout.fillWidth: true
            ComboBox {
                id: sourceKind
                objectName: "deploySourceKind"
                Layout.preferredWidth: 180 // the longest choice shows whole
                Accessible.name: qsTr("Deploy from")
                model: Console.localMode ? [qsTr("Git repository"), qsTr(".tar.gz archive"), qsTr("Local directory")]
                                         : [qsTr("Git repository"), qsTr(".tar.gz archive")]
            }
            TextField {
                id: sourceField
                objectName: "deploySource"
                Layout.fillWidth: true
                placeholderText: sourceKind.currentIndex === 0 ? qsTr("https://git.example.com/team/site.git")
                               : sourceKind.currentIndex === 1 ? qsTr("/path/to/site.tar.gz")
                               : qsTr("/path/to/site")
                Accessible.name: sourceKind.currentIndex === 0 ? qsTr("Git repository URL")
                               : sourceKind.currentIndex === 1 ? qsTr("Archive file")
                               : qsTr("Directory")
            }
            Button {
                objectName: "deployBrowse"
                visible: sourceKind.currentIndex > 0
                text: qsTr("Browse…")
                Accessible.name: sourceKind.currentIndex === 1 ? qsTr("Choose the archive file")
                                                               : qsTr("Choose the directory")
                onClicked: sourceKind.currentIndex === 1 ? archivePicker.open() : directoryPicker.open()
            }
            TextField {
                id: branchField
                objectName: "deployBranch"
                visible: sourceKind.currentIndex === 0
                placeholderText: qsTr("main")
                Accessible.name: qsTr("Branch")
                Layout.preferredWidth: 120
            }
            Button {
                objectName: "deployButton"
                text: qsTr("Deploy")
                Accessible.name: qsTr("Deploy")
                enabled: sourceField.text.length > 0
                onClicked: {
                    if (sourceKind.currentIndex === 0)
                        tab.deployments.deployGit(sourceField.text, branchField.text)
                    else if (sourceKind.currentIndex === 1)
                        tab.deployments.deployArchive(sourceField.text)
                    else
                        tab.deployments.deployDirectory(sourceField.text)
                }
            }
        }

        ListStatus {
            visible: tab.hasSite && (failed || (empty && (loading || emptyText.length > 0)))
            Layout.fillWidth: true
            loading: tab.deployments.deployments.loading
            error: tab.deployments.deployments.error
            empty: tab.deployments.deployments.count === 0
            emptyText: qsTr("No deployments yet: deploy from a git repository or an archive.")
            retryName: qsTr("Retry loading the deployments")
            onRetry: tab.deployments.refresh()
        }
    }

    ListView {
        id: list
        objectName: "deploymentList"
        visible: tab.hasSite
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: form.bottom
        anchors.topMargin: 8
        height: visible ? Math.min(contentHeight, 220) : 0
        clip: true
        model: tab.deployments.deployments
        activeFocusOnTab: true
        keyNavigationEnabled: true
        Accessible.role: Accessible.List
        Accessible.name: qsTr("Deployments")
        Keys.onReturnPressed: tab.deployments.selectedDeployment = String(tab.deployments.deployments.valueAt(currentIndex, "deploymentId") ?? "")

        delegate: ItemDelegate {
            id: row
            required property string deploymentId
            required property string status
            required property string reason
            required property string sourceText
            required property string durationText
            required property string sizeText
            required property string createdBy
            required property bool live
            required property bool isFinal
            required property bool pruned

            width: list.width
            highlighted: tab.deployments.selectedDeployment === deploymentId
            Accessible.name: qsTr("Deployment %1, %2%3").arg(deploymentId).arg(status).arg(live ? qsTr(", live") : "")
            onClicked: tab.deployments.selectedDeployment = deploymentId
            background: SelectionBackground {
                selected: row.highlighted
                focused: row.ListView.isCurrentItem && list.activeFocus
            }
            contentItem: RowLayout {
                spacing: 8
                DeploymentsStatusBadge {
                    status: row.status
                }
                Label {
                    text: row.deploymentId
                    font.family: Theme.monospace
                    color: Theme.text
                }
                Label {
                    visible: row.live
                    text: qsTr("LIVE")
                    color: Theme.passing
                    font.bold: true
                }
                Label {
                    text: row.sourceText
                    color: Theme.mutedText
                    elide: Text.ElideMiddle
                    Layout.fillWidth: true
                }
                Label {
                    text: row.status === "failed" ? row.reason : row.durationText
                    color: row.status === "failed" ? Theme.critical : Theme.mutedText
                }
                Label {
                    text: row.sizeText
                    color: Theme.mutedText
                }
                Label {
                    text: row.createdBy
                    color: Theme.mutedText
                }
                Button {
                    visible: row.status === "ready" && !row.live && !row.pruned
                    enabled: tab.mayActivate
                    text: qsTr("Activate")
                    Accessible.name: qsTr("Activate %1").arg(row.deploymentId)
                    onClicked: tab.confirmAction("activate", row.deploymentId)
                }
                Button {
                    visible: !row.isFinal
                    enabled: tab.mayDeploy
                    text: qsTr("Cancel")
                    Accessible.name: qsTr("Cancel %1").arg(row.deploymentId)
                    onClicked: tab.confirmAction("cancel", row.deploymentId)
                }
                Button {
                    visible: row.isFinal
                    enabled: tab.mayDeploy
                    text: qsTr("Redeploy")
                    Accessible.name: qsTr("Redeploy %1").arg(row.deploymentId)
                    onClicked: tab.confirmAction("redeploy", row.deploymentId)
                }
                Button {
                    visible: row.isFinal && !row.live
                    enabled: tab.mayDeploy
                    text: qsTr("Delete")
                    Accessible.name: qsTr("Delete %1").arg(row.deploymentId)
                    onClicked: tab.confirmAction("delete", row.deploymentId)
                }
            }
        }
    }

    DeploymentsLogView {
        id: logView
        visible: tab.deployments.selectedDeployment.length > 0
        log: tab.deployments.log
        loadError: tab.deployments.logError
        title: qsTr("Build log of %1").arg(tab.deployments.selectedDeployment)
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: list.bottom
        anchors.topMargin: 8
        anchors.bottom: parent.bottom
    }

    ConfirmDialog {
        id: confirm
        property string action
        property string deploymentId
        objectName: "deploymentConfirm"
        title: action === "activate" ? qsTr("Activate %1?").arg(deploymentId)
             : action === "cancel" ? qsTr("Cancel %1?").arg(deploymentId)
             : action === "redeploy" ? qsTr("Redeploy %1?").arg(deploymentId)
             : qsTr("Delete %1?").arg(deploymentId)
        confirmText: action === "activate" ? qsTr("Activate")
                   : action === "cancel" ? qsTr("Cancel the build")
                   : action === "redeploy" ? qsTr("Redeploy")
                   : qsTr("Delete")
        text: tab.deployments.describeAction(action, deploymentId)
        onAccepted: {
            if (action === "activate")
                tab.deployments.activate(deploymentId)
            else if (action === "cancel")
                tab.deployments.cancel(deploymentId)
            else if (action === "redeploy")
                tab.deployments.redeploy(deploymentId)
            else
                tab.deployments.deleteDeployment(deploymentId)
        }
    }

    // The local file and directory pickers fill the path field; a typed path works as well.
    function localPath(url: url): string {
        return decodeURIComponent(String(url).replace(/^file:\/\//, ""))
    }
    FileDialog {
        id: archivePicker
        objectName: "deployArchivePicker"
        title: qsTr("Choose the archive to deploy")
        nameFilters: [qsTr("Gzip tarballs (*.tar.gz *.tgz)"), qsTr("All files (*)")]
        onAccepted: sourceField.text = tab.localPath(selectedFile)
    }
    FolderDialog {
        id: directoryPicker
        objectName: "deployDirectoryPicker"
        title: qsTr("Choose the directory to deploy")
        onAccepted: sourceField.text = tab.localPath(selectedFolder)
    }
}
