pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// The registry: services with their instance counts, the instances with their health, and the
// selected instance's check output and history. Everything arrives over the registry channel.
ColumnLayout {
    id: page
    readonly property RegistryController registry: Console.registry
    readonly property var detail: registry.detail
    readonly property bool hasDetail: registry.selectedInstance.length > 0 && detail.id !== undefined
    // Drain, deregister and weight change the registry: offered only to who may.
    readonly property Permission mayConfigure: Permission {
        name: "registry.write"
    }

    objectName: "servicesPage"
    spacing: Theme.spacing

    // Standard keys, asked by the window (Main.qml) of the page on screen.
    Connections {
        target: Console
        function onFindRequested() {
            search.forceActiveFocus()
        }
        function onRefreshRequested() {
            page.registry.refresh()
        }
    }

    PageHeader {
        Layout.margins: Theme.spacing * 2
        Layout.bottomMargin: 0
        title: qsTr("Services")
        subtitle: page.registry.live ? qsTr("Live: %1 passing, %2 warning, %3 critical, %4 draining")
                                         .arg(page.registry.passing).arg(page.registry.warning)
                                         .arg(page.registry.critical).arg(page.registry.draining)
                                     : qsTr("Waiting for the registry…")
    }

    Label {
        visible: page.registry.error.length > 0
        text: page.registry.error
        color: Theme.critical
        wrapMode: Text.WordWrap
        Layout.fillWidth: true
        Layout.leftMargin: Theme.spacing * 2
        Layout.rightMargin: Theme.spacing * 2
    }

    RowLayout {
        Layout.fillWidth: true
        Layout.fillHeight: true
        Layout.margins: Theme.spacing * 2
        Layout.topMargin: 0
        spacing: Theme.spacing

        // Services
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

                ItemDelegate {
                    id: allEntry
                    Layout.fillWidth: true
                    highlighted: page.registry.selectedService.length === 0
                    text: qsTr("All services (%1)").arg(page.registry.instances.total)
                    Accessible.name: text
                    onClicked: page.registry.selectedService = ""
                    background: SelectionBackground {
                        selected: allEntry.highlighted
                        focused: allEntry.visualFocus
                    }
                }
                ListView {
                    id: serviceList
                    objectName: "serviceList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: page.registry.services
                    activeFocusOnTab: true
                    keyNavigationEnabled: true
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Services")
                    Keys.onReturnPressed: page.registry.selectedService = String(page.registry.services.valueAt(currentIndex, "name") ?? "")
                    Keys.onEnterPressed: page.registry.selectedService = String(page.registry.services.valueAt(currentIndex, "name") ?? "")

                    delegate: ItemDelegate {
                        id: serviceEntry
                        required property string name
                        required property int total
                        required property int passing
                        required property int warning
                        required property int critical
                        required property int draining
                        required property string versions

                        width: serviceList.width
                        highlighted: page.registry.selectedService === name
                        Accessible.name: qsTr("%1: %2 passing, %3 warning, %4 critical, %5 draining")
                                         .arg(name).arg(passing).arg(warning).arg(critical).arg(draining)
                        onClicked: page.registry.selectedService = name
                        background: SelectionBackground {
                            selected: serviceEntry.highlighted
                            focused: serviceEntry.ListView.isCurrentItem && serviceList.activeFocus
                        }
                        contentItem: ColumnLayout {
                            spacing: 2
                            Label {
                                text: serviceEntry.name
                                color: Theme.text
                                font.bold: serviceEntry.highlighted
                                elide: Text.ElideRight
                                Layout.fillWidth: true
                            }
                            RowLayout {
                                spacing: 6
                                Label {
                                    text: qsTr("%1 passing").arg(serviceEntry.passing)
                                    color: serviceEntry.passing > 0 ? Theme.passing : Theme.mutedText
                                    font.pixelSize: 11
                                }
                                Label {
                                    visible: serviceEntry.warning > 0
                                    text: qsTr("%1 warning").arg(serviceEntry.warning)
                                    color: Theme.warning
                                    font.pixelSize: 11
                                }
                                Label {
                                    visible: serviceEntry.critical > 0
                                    text: qsTr("%1 critical").arg(serviceEntry.critical)
                                    color: Theme.critical
                                    font.pixelSize: 11
                                }
                                Label {
                                    visible: serviceEntry.draining > 0
                                    text: qsTr("%1 draining").arg(serviceEntry.draining)
                                    color: Theme.idle
                                    font.pixelSize: 11
                                }
                            }
                            Label {
                                visible: serviceEntry.versions.length > 0
                                text: qsTr("Versions: %1").arg(serviceEntry.versions)
                                color: Theme.mutedText
                                font.pixelSize: 11
                                elide: Text.ElideRight
                                Layout.fillWidth: true
                            }
                        }
                    }
                }
            }
        }

        // Instances and the selected one
        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 8

            RowLayout {
                spacing: 8
                Layout.fillWidth: true
                TextField {
                    id: search
                    objectName: "instanceSearch"
                    Layout.fillWidth: true
                    placeholderText: qsTr("Search address, version, tag or id")
                    Accessible.name: qsTr("Search instances")
                    text: page.registry.searchText
                    onTextEdited: page.registry.searchText = text
                }
                ComboBox {
                    id: statusFilter
                    objectName: "statusFilter"
                    Accessible.name: qsTr("Filter by status")
                    implicitContentWidthPolicy: ComboBox.WidestText
                    textRole: "label"
                    valueRole: "value"
                    model: page.registry.statusChoices
                    onActivated: page.registry.statusFilter = currentValue
                }
            }

            Rectangle {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.minimumHeight: 160
                color: Theme.surface
                border.color: Theme.border
                radius: Theme.radius

                ColumnLayout {
                    anchors.fill: parent
                    anchors.margins: 8
                    spacing: 2

                    RowLayout {
                        spacing: 8
                        Layout.fillWidth: true
                        ColumnHeader {
                            text: qsTr("Status")
                            Layout.preferredWidth: 80
                        }
                        ColumnHeader {
                            text: qsTr("Service")
                            Layout.preferredWidth: 130
                        }
                        ColumnHeader {
                            text: qsTr("Address")
                            Layout.preferredWidth: 150
                        }
                        ColumnHeader {
                            text: qsTr("Version")
                            Layout.preferredWidth: 64
                        }
                        ColumnHeader {
                            text: qsTr("Weight")
                            Layout.preferredWidth: 50
                        }
                        ColumnHeader {
                            text: qsTr("Heartbeat")
                            Layout.preferredWidth: 76
                        }
                        ColumnHeader {
                            text: qsTr("Uptime")
                            Layout.fillWidth: true
                        }
                    }

                    ListView {
                        id: instanceList
                        objectName: "instanceList"
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        clip: true
                        model: page.registry.instances
                        currentIndex: page.registry.instances.rowOf(page.registry.selectedInstance)
                        activeFocusOnTab: true
                        keyNavigationEnabled: true
                        Accessible.role: Accessible.List
                        Accessible.name: qsTr("Instances")
                        Keys.onReturnPressed: page.registry.selectInstance(String(page.registry.instances.valueAt(currentIndex, "instanceId") ?? ""))
                        Keys.onEnterPressed: page.registry.selectInstance(String(page.registry.instances.valueAt(currentIndex, "instanceId") ?? ""))

                        delegate: ItemDelegate {
                            id: row
                            required property string instanceId
                            required property string service
                            required property string endpoint
                            required property string version
                            required property int weight
                            required property string status
                            required property string lastOutput
                            required property double lastSeen
                            required property double statusSince

                            width: instanceList.width
                            highlighted: page.registry.selectedInstance === instanceId
                            Accessible.name: qsTr("%1 %2, %3, version %4").arg(service).arg(endpoint)
                                             .arg(StateText.health(status)).arg(version)
                            onClicked: page.registry.selectInstance(instanceId)
                            background: SelectionBackground {
                                selected: row.highlighted
                                focused: row.ListView.isCurrentItem && instanceList.activeFocus
                            }
                            leftPadding: 0
                            rightPadding: 0
                            contentItem: ColumnLayout {
                                spacing: 2
                                RowLayout {
                                    spacing: 8
                                    Item {
                                        Layout.preferredWidth: 80
                                        implicitHeight: 20
                                        StatusBadge {
                                            anchors.verticalCenter: parent.verticalCenter
                                            status: row.status
                                        }
                                    }
                                    Label {
                                        text: row.service
                                        color: Theme.text
                                        elide: Text.ElideRight
                                        Layout.preferredWidth: 130
                                    }
                                    Label {
                                        text: row.endpoint
                                        color: Theme.text
                                        font.family: Theme.monospace
                                        elide: Text.ElideRight
                                        Layout.preferredWidth: 150
                                    }
                                    Label {
                                        text: row.version
                                        color: Theme.text
                                        elide: Text.ElideRight
                                        Layout.preferredWidth: 64
                                    }
                                    Label {
                                        text: row.weight
                                        color: Theme.text
                                        Layout.preferredWidth: 50
                                    }
                                    Label {
                                        text: StateText.age(page.registry.now, row.lastSeen)
                                        color: Theme.mutedText
                                        Layout.preferredWidth: 76
                                    }
                                    Label {
                                        text: StateText.instanceUptime(row.status, page.registry.now, row.statusSince)
                                        color: Theme.mutedText
                                        Layout.fillWidth: true
                                    }
                                }
                                Label {
                                    text: row.lastOutput
                                    color: Theme.mutedText
                                    font.pixelSize: 11
                                    elide: Text.ElideRight
                                    Layout.fillWidth: true
                                    Layout.leftMargin: 88
                                }
                            }
                        }
                    }
                    Label {
                        visible: instanceList.count === 0
                        text: page.registry.instances.loading ? qsTr("Loading the services…")
                              : page.registry.instances.total === 0
                              ? qsTr("No instance is registered yet. Register one with POST "
                                     + "/v1/registry/services/<name>/instances, or run meshdeckd --role echo "
                                     + "--register <this backend's URL>.")
                              : qsTr("No instance matches the filter.")
                        color: Theme.mutedText
                        wrapMode: Text.WordWrap
                        Layout.fillWidth: true
                    }
                }
            }

            // The selected instance
            Rectangle {
                objectName: "instanceDetail"
                visible: page.hasDetail
                Layout.fillWidth: true
                Layout.preferredHeight: 230
                color: Theme.surface
                border.color: Theme.border
                radius: Theme.radius

                RowLayout {
                    anchors.fill: parent
                    anchors.margins: Theme.spacing
                    spacing: Theme.spacing

                    ColumnLayout {
                        Layout.preferredWidth: 380
                        Layout.fillHeight: true
                        spacing: 4
                        RowLayout {
                            spacing: 8
                            Label {
                                text: (page.detail.service ?? "") + "  " + (page.detail.endpoint ?? "")
                                font.bold: true
                                color: Theme.text
                            }
                            StatusBadge {
                                status: page.detail.status ?? ""
                            }
                        }
                        InfoRow {
                            label: qsTr("Check")
                            value: page.detail.checkText ?? ""
                        }
                        InfoRow {
                            label: qsTr("Last output")
                            value: page.detail.lastOutput ?? ""
                        }
                        InfoRow {
                            label: qsTr("Tags")
                            value: page.detail.tagsText ?? ""
                        }
                        InfoRow {
                            // A cluster: the node that runs this instance's check and TTL.
                            label: qsTr("Checked by")
                            value: page.detail.checkedBy ?? ""
                            visible: value !== ""
                            monospace: true
                        }
                        InfoRow {
                            label: qsTr("Instance id")
                            value: page.detail.id ?? ""
                            monospace: true
                        }
                        Item { Layout.fillHeight: true }
                        Label {
                            objectName: "registryWriteReason"
                            visible: !page.mayConfigure.allowed
                            text: page.mayConfigure.reason
                            color: Theme.mutedText
                            wrapMode: Text.WordWrap
                            Layout.fillWidth: true
                            Accessible.role: Accessible.StaticText
                            Accessible.name: text
                        }
                        RowLayout {
                            objectName: "instanceActions"
                            visible: page.mayConfigure.allowed
                            spacing: 8
                            Button {
                                objectName: "drainButton"
                                text: qsTr("Drain…")
                                Accessible.name: qsTr("Drain this instance")
                                enabled: page.detail.status !== "draining"
                                onClicked: confirm.ask("drain")
                            }
                            Button {
                                objectName: "deregisterButton"
                                text: qsTr("Deregister…")
                                Accessible.name: qsTr("Deregister this instance")
                                onClicked: confirm.ask("deregister")
                            }
                            SpinBox {
                                id: weightBox
                                from: 0
                                to: 1000
                                editable: true
                                value: page.detail.weight ?? 100
                                Accessible.name: qsTr("New weight")
                                enabled: page.detail.status !== "draining"
                            }
                            Button {
                                text: qsTr("Set weight…")
                                Accessible.name: qsTr("Set the new weight")
                                enabled: page.detail.status !== "draining" && weightBox.value !== page.detail.weight
                                onClicked: confirm.ask("weight")
                            }
                        }
                    }

                    ColumnLayout {
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        spacing: 4
                        Label {
                            text: qsTr("Status history")
                            font.bold: true
                            color: Theme.text
                        }
                        ListView {
                            id: historyList
                            objectName: "historyList"
                            Layout.fillWidth: true
                            Layout.fillHeight: true
                            clip: true
                            model: page.registry.history
                            Accessible.role: Accessible.List
                            Accessible.name: qsTr("Status history")
                            delegate: RowLayout {
                                id: entry
                                required property string dateTimeText
                                required property string from
                                required property string to
                                required property string reason
                                width: historyList.width
                                spacing: 8
                                Label {
                                    text: entry.dateTimeText
                                    color: Theme.mutedText
                                    font.family: Theme.monospace
                                    font.pixelSize: 11
                                }
                                Label {
                                    text: StateText.transition(entry.from, entry.to)
                                    color: StateText.healthColor(entry.to)
                                    font.pixelSize: 11
                                }
                                Label {
                                    text: entry.reason
                                    color: Theme.mutedText
                                    font.pixelSize: 11
                                    elide: Text.ElideRight
                                    Layout.fillWidth: true
                                }
                            }
                        }
                        ListStatus {
                            objectName: "historyStatus"
                            Layout.fillWidth: true
                            loading: page.registry.history.loading
                            error: page.registry.history.error
                            empty: historyList.count === 0
                            emptyText: qsTr("No status change yet.")
                            retryName: qsTr("Retry loading the status history")
                            onRetry: page.registry.selectInstance(page.registry.selectedInstance)
                        }
                    }
                }
            }

            Label {
                id: actionResult
                visible: text.length > 0
                color: Theme.mutedText
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
        }
    }

    Connections {
        target: page.registry
        function onActionFinished(ok: bool, message: string) {
            actionResult.text = message
            actionResult.color = ok ? Theme.mutedText : Theme.critical
        }
    }

    // Every action says exactly what will happen before it does.
    Dialog {
        id: confirm
        objectName: "confirmDialog"
        property string action
        readonly property string target: (page.detail.service ?? "") + " " + (page.detail.endpoint ?? "")

        function ask(what) {
            action = what
            open()
        }

        anchors.centerIn: parent
        modal: true
        contentWidth: 480
        title: action === "drain" ? qsTr("Drain %1?").arg(target)
             : action === "deregister" ? qsTr("Deregister %1?").arg(target)
             : qsTr("Change the weight of %1?").arg(target)
        // qmllint disable
        // (qmllint 6.4 does not resolve DialogButtonBox's attached enum; it is fine at run time)
        footer: DialogButtonBox {
            Button {
                text: qsTr("OK")
                Accessible.name: qsTr("Confirm")
                DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
            }
            Button {
                text: qsTr("Cancel")
                Accessible.name: text
                DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
            }
        }
        // qmllint enable
        focus: true
        // Esc cancels (the dialog's close policy); Enter confirms.
        Shortcut {
            sequences: ["Return", "Enter"]
            enabled: confirm.visible
            onActivated: confirm.accept()
        }

        Label {
            objectName: "confirmText"
            width: 480
            wrapMode: Text.WordWrap
            color: Theme.text
            text: confirm.action === "drain"
                  ? qsTr("Its weight becomes 0, so the gateway sends it no new requests. It is deregistered as soon "
                         + "as it reports no requests in flight, or in 30 s at the latest. Registering it again "
                         + "ends the drain.")
                  : confirm.action === "deregister"
                    ? qsTr("It leaves the registry now and its checks stop; its history is kept for 7 days. If it "
                           + "is still running, its next heartbeat is refused and it may register itself again.")
                    : qsTr("Its weight goes from %1 to %2: it would get %3 % of the traffic %4 sends to its "
                           + "passing and warning instances.")
                      .arg(page.detail.weight ?? 0).arg(weightBox.value)
                      .arg(page.registry.trafficSharePercent(page.detail.id ?? "", weightBox.value))
                      .arg(page.detail.service ?? "")
        }

        onAccepted: {
            const id = page.detail.id
            if (!page.mayConfigure.allowed)
                return
            if (action === "drain")
                page.registry.drain(id, 30000)
            else if (action === "deregister")
                page.registry.deregister(id)
            else
                page.registry.setWeight(id, weightBox.value)
        }
    }
}
