pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// The audit log: filters, newest first, "Load more" for older pages, new records live on top
// (when they match the filters), and the selected record's before and after side by side.
ColumnLayout {
    id: tab
    readonly property AuditLogModel audit: AccessController.audit
    readonly property var record: AccessController.auditRecord

    function focusSearch() {
        actorField.forceActiveFocus()
    }
    function search() {
        AccessController.searchAudit(actorField.text, actionField.text, resourceField.text, outcomeBox.currentValue,
                                     fromField.text, toField.text)
    }

    spacing: 6

    Flow {
        Layout.fillWidth: true
        spacing: 6
        TextField {
            id: actorField
            placeholderText: qsTr("Actor (user:ID, key:ID, admin-token)")
            Accessible.name: qsTr("Filter by actor")
            width: 220
            onAccepted: tab.search()
        }
        TextField {
            id: actionField
            placeholderText: qsTr("Action (auth.key.created)")
            Accessible.name: qsTr("Filter by action")
            width: 180
            onAccepted: tab.search()
        }
        TextField {
            id: resourceField
            placeholderText: qsTr("Resource (topic:orders)")
            Accessible.name: qsTr("Filter by resource")
            width: 160
            onAccepted: tab.search()
        }
        ComboBox {
            id: outcomeBox
            Accessible.name: qsTr("Filter by outcome")
            implicitContentWidthPolicy: ComboBox.WidestText
            textRole: "label"
            valueRole: "value"
            model: AccessController.outcomeChoices
        }
        TextField {
            id: fromField
            placeholderText: qsTr("From (2026-11-30 14:00)")
            Accessible.name: qsTr("From time")
            width: 150
            onAccepted: tab.search()
        }
        TextField {
            id: toField
            placeholderText: qsTr("To")
            Accessible.name: qsTr("To time")
            width: 150
            onAccepted: tab.search()
        }
        Button {
            text: qsTr("Search")
            Accessible.name: qsTr("Search the audit log")
            onClicked: tab.search()
        }
        CheckBox {
            objectName: "followAudit"
            text: qsTr("Follow live")
            Accessible.name: qsTr("Follow the audit log live")
            checked: AccessController.followAudit
            onToggled: AccessController.followAudit = checked
        }
    }
    Label {
        visible: AccessController.followError.length > 0
        text: qsTr("Live follow stopped: %1").arg(AccessController.followError)
        color: Theme.critical
        wrapMode: Text.WordWrap
        Layout.fillWidth: true
    }

    RowLayout {
        Layout.fillWidth: true
        Layout.fillHeight: true
        spacing: Theme.spacing

        Rectangle {
            Layout.fillWidth: true
            Layout.fillHeight: true
            color: Theme.surface
            border.color: Theme.border
            radius: Theme.radius
            ColumnLayout {
                anchors.fill: parent
                anchors.margins: 6
                ListView {
                    id: recordList
                    objectName: "auditList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: tab.audit
                    activeFocusOnTab: true
                    keyNavigationEnabled: true
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Audit records")
                    // The keyboard moves the selection too (not the list's own first current row).
                    onCurrentIndexChanged: {
                        if (activeFocus)
                            AccessController.selectAuditRecord(String(tab.audit.valueAt(currentIndex, "recordId") ?? ""))
                    }
                    delegate: ItemDelegate {
                        id: recordEntry
                        required property int index
                        required property string recordId
                        required property string time
                        required property string actor
                        required property string auditAction
                        required property string resource
                        required property string outcome
                        required property int status
                        width: recordList.width
                        highlighted: recordId === AccessController.selectedAuditRecord
                        Accessible.name: qsTr("%1 %2 by %3 on %4: %5").arg(time).arg(auditAction).arg(actor).arg(resource).arg(outcome)
                        onClicked: {
                            recordList.currentIndex = index
                            AccessController.selectAuditRecord(recordId)
                        }
                        background: SelectionBackground {
                            selected: recordEntry.highlighted
                            focused: recordEntry.ListView.isCurrentItem && recordList.activeFocus
                        }
                        contentItem: ColumnLayout {
                            spacing: 0
                            Label {
                                text: qsTr("%1 · %2").arg(recordEntry.time).arg(recordEntry.auditAction)
                                color: Theme.text
                                font.bold: recordEntry.highlighted
                            }
                            Label {
                                text: qsTr("%1 · %2 · %3 (%4)").arg(recordEntry.actor).arg(recordEntry.resource)
                                      .arg(recordEntry.outcome).arg(recordEntry.status)
                                color: recordEntry.outcome === "ok" ? Theme.mutedText : Theme.critical
                                font.pixelSize: 11
                            }
                        }
                    }
                }
                ListStatus {
                    Layout.fillWidth: true
                    loading: tab.audit.loading
                    error: tab.audit.error
                    empty: recordList.count === 0
                    emptyText: qsTr("No audit record matches these filters.")
                    retryName: qsTr("Retry searching the audit log")
                    onRetry: tab.search()
                }
                Button {
                    text: qsTr("Load more")
                    Accessible.name: qsTr("Load older audit records")
                    visible: AccessController.auditHasMore
                    enabled: !tab.audit.loading
                    onClicked: AccessController.loadMoreAudit()
                }
            }
        }

        // The selected record
        ColumnLayout {
            objectName: "auditDetail"
            Layout.preferredWidth: 420
            Layout.fillHeight: true
            Label {
                visible: AccessController.selectedAuditRecord.length === 0
                text: qsTr("Select a record to see who did what, from where, and what it changed.")
                color: Theme.mutedText
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
            ColumnLayout {
                visible: AccessController.selectedAuditRecord.length > 0
                Layout.fillWidth: true
                Layout.fillHeight: true
                Label {
                    text: qsTr("%1 %2 → %3").arg(String(tab.record.method ?? "")).arg(String(tab.record.path ?? ""))
                          .arg(String(tab.record.status ?? ""))
                    font.bold: true
                    color: Theme.text
                    wrapMode: Text.WrapAnywhere
                    Layout.fillWidth: true
                }
                Label {
                    text: qsTr("%1 by %2 from %3, request %4").arg(String(tab.record.timeText ?? ""))
                          .arg(String(tab.record.actorName ?? tab.record.actor ?? "")).arg(String(tab.record.source ?? ""))
                          .arg(String(tab.record.requestId ?? ""))
                    color: Theme.mutedText
                    wrapMode: Text.WordWrap
                    Layout.fillWidth: true
                }
                Label {
                    visible: text.length > 0
                    text: String(tab.record.detail ?? "")
                    color: Theme.text
                    wrapMode: Text.WordWrap
                    Layout.fillWidth: true
                }
                RowLayout {
                    Layout.fillWidth: true
                    Label {
                        text: qsTr("Field")
                        font.bold: true
                        color: Theme.text
                        Layout.preferredWidth: 120
                    }
                    Label {
                        text: qsTr("Before")
                        font.bold: true
                        color: Theme.text
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                    }
                    Label {
                        text: qsTr("After")
                        font.bold: true
                        color: Theme.text
                        Layout.fillWidth: true
                        Layout.preferredWidth: 1
                    }
                }
                ListView {
                    id: diffList
                    objectName: "auditDiff"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: AccessController.auditDiff
                    activeFocusOnTab: true
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Changes of the record")
                    delegate: Rectangle {
                        id: diffLine
                        required property string path
                        required property string before
                        required property string after
                        required property string change
                        width: diffList.width
                        height: diffRow.implicitHeight + 4
                        color: change === "same" ? "transparent"
                             : change === "added" ? Qt.rgba(0.12, 0.62, 0.39, 0.18)
                             : change === "removed" ? Qt.rgba(0.85, 0.21, 0.21, 0.18)
                             : Qt.rgba(0.83, 0.53, 0.02, 0.18)
                        Accessible.role: Accessible.ListItem
                        Accessible.name: qsTr("%1 %2: before %3, after %4").arg(path).arg(change).arg(before).arg(after)
                        RowLayout {
                            id: diffRow
                            anchors.left: parent.left
                            anchors.right: parent.right
                            anchors.verticalCenter: parent.verticalCenter
                            Label {
                                text: diffLine.path
                                color: Theme.text
                                font.family: "monospace"
                                Layout.preferredWidth: 120
                                elide: Text.ElideRight
                            }
                            Label {
                                text: diffLine.before
                                color: Theme.text
                                font.family: "monospace"
                                wrapMode: Text.WrapAnywhere
                                Layout.fillWidth: true
                                Layout.preferredWidth: 1
                            }
                            Label {
                                text: diffLine.after
                                color: Theme.text
                                font.family: "monospace"
                                wrapMode: Text.WrapAnywhere
                                Layout.fillWidth: true
                                Layout.preferredWidth: 1
                            }
                        }
                    }
                }
                Label {
                    visible: diffList.count === 0
                    text: qsTr("This record changed nothing that has a before and after (a read, a sign-in or a denial).")
                    color: Theme.mutedText
                    wrapMode: Text.WordWrap
                    Layout.fillWidth: true
                }
            }
        }
    }
}
