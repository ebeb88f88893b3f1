pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// Sites and their deployments: each deployment's status, source, duration, size and who started
// it, its build log, the actions (each confirmed with what will happen), the site's variables and
// the build queue. Changes arrive as they happen: any deployment's change is an event on the
// deployments topic, and the followed deployment's channel brings its log lines.
ColumnLayout {
    id: page
    readonly property DeploymentsController deployments: Console.deployments
    readonly property Permission mayDeploy: Permission {
        name: "sites.deploy"
    }
    readonly property Permission mayWrite: Permission {
        name: "sites.write"
    }

    objectName: "deploymentsPage"
    spacing: Theme.spacing

    Connections {
        target: Console
        function onFindRequested() {
            if (stack.currentIndex === 0)
                deploymentsTab.focusFilter()
        }
        function onRefreshRequested() {
            page.deployments.refresh()
        }
    }
    Connections {
        target: page.deployments
        function onActionFinished(ok: bool, message: string) {
            result.ok = ok
            result.text = message
        }
    }

    PageHeader {
        Layout.margins: Theme.spacing * 2
        Layout.bottomMargin: 0
        title: qsTr("Deployments")
        subtitle: qsTr("Sites, their immutable deployments and build logs, and the build queue.")
    }

    Label {
        id: result
        property bool ok: true
        objectName: "actionResult"
        visible: text.length > 0
        color: ok ? Theme.passing : Theme.critical
        wrapMode: Text.WordWrap
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2
        Accessible.role: Accessible.StaticText
        Accessible.name: text
    }

    RowLayout {
        Layout.fillWidth: true
        Layout.fillHeight: true
        Layout.margins: Theme.spacing * 2
        Layout.topMargin: 0
        spacing: Theme.spacing

        // Sites
        Rectangle {
            Layout.preferredWidth: 210
            Layout.fillHeight: true
            color: Theme.surface
            border.color: Theme.border
            radius: Theme.radius

            ColumnLayout {
                anchors.fill: parent
                anchors.margins: 8
                spacing: 4

                ListStatus {
                    Layout.fillWidth: true
                    loading: page.deployments.sites.loading
                    error: page.deployments.sites.error
                    empty: page.deployments.sites.count === 0
                    emptyText: qsTr("No sites yet. Create one to deploy to it.")
                    retryName: qsTr("Retry loading the sites")
                    onRetry: page.deployments.refresh()
                }
                ListView {
                    id: siteList
                    objectName: "siteList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: page.deployments.sites
                    activeFocusOnTab: true
                    keyNavigationEnabled: true
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Sites")
                    Keys.onReturnPressed: page.deployments.selectedSite = String(page.deployments.sites.valueAt(currentIndex, "siteId") ?? "")
                    Keys.onEnterPressed: page.deployments.selectedSite = String(page.deployments.sites.valueAt(currentIndex, "siteId") ?? "")

                    delegate: ItemDelegate {
                        id: siteEntry
                        required property string siteId
                        required property string name
                        required property string framework
                        required property string liveDeploymentId

                        width: siteList.width
                        highlighted: page.deployments.selectedSite === siteId
                        Accessible.name: liveDeploymentId.length > 0
                                         ? qsTr("Site %1, serving %2").arg(name).arg(liveDeploymentId)
                                         : qsTr("Site %1, nothing live").arg(name)
                        onClicked: page.deployments.selectedSite = siteId
                        background: SelectionBackground {
                            selected: siteEntry.highlighted
                            focused: siteEntry.ListView.isCurrentItem && siteList.activeFocus
                        }
                        contentItem: ColumnLayout {
                            spacing: 2
                            Label {
                                text: siteEntry.name
                                color: Theme.text
                                font.bold: siteEntry.highlighted
                                elide: Text.ElideRight
                                Layout.fillWidth: true
                            }
                            Label {
                                text: siteEntry.liveDeploymentId.length > 0
                                      ? qsTr("%1 · live %2").arg(siteEntry.framework).arg(siteEntry.liveDeploymentId)
                                      : qsTr("%1 · nothing live").arg(siteEntry.framework)
                                color: Theme.mutedText
                                font.pixelSize: 11
                                elide: Text.ElideRight
                                Layout.fillWidth: true
                            }
                        }
                    }
                }
                Button {
                    text: qsTr("New site…")
                    Accessible.name: qsTr("Create a site")
                    enabled: page.mayWrite.allowed
                    Layout.fillWidth: true
                    onClicked: newSiteDialog.open()
                }
            }
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 8

            TabBar {
                id: tabs
                objectName: "deploymentsTabs"
                Accessible.name: qsTr("Deployments sections")
                Layout.fillWidth: true
                TabButton {
                    text: qsTr("Deployments")
                    Accessible.name: text
                }
                TabButton {
                    text: qsTr("Variables")
                    Accessible.name: text
                }
                TabButton {
                    text: qsTr("Queue and workers")
                    Accessible.name: text
                }
            }

            StackLayout {
                id: stack
                currentIndex: tabs.currentIndex
                Layout.fillWidth: true
                Layout.fillHeight: true

                DeploymentsListTab {
                    id: deploymentsTab
                    deployments: page.deployments
                    mayDeploy: page.mayDeploy.allowed
                    mayActivate: page.mayWrite.allowed
                }
                DeploymentsVariablesTab {
                    deployments: page.deployments
                    mayWrite: page.mayWrite.allowed
                }
                DeploymentsQueueTab {
                    deployments: page.deployments
                }
            }
        }
    }

    Dialog {
        id: newSiteDialog
        objectName: "newSiteDialog"
        title: qsTr("New site")
        anchors.centerIn: Overlay.overlay
        modal: true
        // Named buttons: a screen reader (and the GUI test) finds "Create the site", not a bare OK.
        // qmllint disable
        // (qmllint 6.4 does not resolve DialogButtonBox's attached enum; it is fine at run time)
        footer: DialogButtonBox {
            Button {
                text: qsTr("Create")
                Accessible.name: qsTr("Create the site")
                enabled: siteName.text.length > 0
                DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
            }
            Button {
                text: qsTr("Cancel")
                Accessible.name: qsTr("Cancel creating the site")
                DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
            }
        }
        // qmllint enable
        onAccepted: page.deployments.createSite(siteName.text, siteFramework.text, siteBuild.text, siteOutput.text)

        GridLayout {
            columns: 2
            columnSpacing: 8
            Label {
                text: qsTr("Name")
            }
            TextField {
                id: siteName
                Accessible.name: qsTr("Site name")
                placeholderText: qsTr("docs")
                Layout.preferredWidth: 280
            }
            Label {
                text: qsTr("Framework")
            }
            TextField {
                id: siteFramework
                Accessible.name: qsTr("Framework")
                placeholderText: qsTr("detected when empty")
                Layout.preferredWidth: 280
            }
            Label {
                text: qsTr("Build command")
            }
            TextField {
                id: siteBuild
                Accessible.name: qsTr("Build command")
                placeholderText: qsTr("npm run build")
                Layout.preferredWidth: 280
            }
            Label {
                text: qsTr("Output directory")
            }
            TextField {
                id: siteOutput
                Accessible.name: qsTr("Output directory")
                placeholderText: qsTr("dist")
                Layout.preferredWidth: 280
            }
        }
    }
}
