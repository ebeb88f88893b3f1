pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// Reported messages, each with the messages around it; open or resolved.
ColumnLayout {
    id: tab
    property bool canResolve
    readonly property ReportsModel reports: ChatController.reports

    spacing: 6

    RowLayout {
        RadioButton {
            text: qsTr("Open")
            Accessible.name: qsTr("Open reports")
            checked: ChatController.reportsState === "open"
            onToggled: ChatController.loadReports("open")
        }
        RadioButton {
            text: qsTr("Resolved")
            Accessible.name: qsTr("Resolved reports")
            checked: ChatController.reportsState === "resolved"
            onToggled: ChatController.loadReports("resolved")
        }
        Label {
            objectName: "reportsReasonNote"
            text: ChatController.reportsReason.length > 0
                  ? qsTr("Private rooms' text shown, recorded with the reason: %1").arg(ChatController.reportsReason)
                  : ""
            color: Theme.mutedText
            horizontalAlignment: Text.AlignRight
            elide: Text.ElideLeft
            Layout.fillWidth: true
        }
    }

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
                id: reportList
                objectName: "reportList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                spacing: 8
                model: tab.reports
                activeFocusOnTab: true
                keyNavigationEnabled: true
                Accessible.role: Accessible.List
                Accessible.name: qsTr("Reported messages")
                delegate: ItemDelegate {
                    id: report
                    required property string reportId
                    required property string roomId
                    required property string roomName
                    required property string reason
                    required property string reporter
                    required property string time
                    required property string reportState
                    required property string messageId
                    required property var context
                    required property bool textHidden
                    width: reportList.width
                    Accessible.name: qsTr("Report by %1 in %2 at %3: %4").arg(reporter).arg(roomName).arg(time).arg(reason)
                    contentItem: ColumnLayout {
                        spacing: 2
                        Label {
                            text: qsTr("%1 · %2 reported in %3: %4").arg(report.time).arg(report.reporter)
                                  .arg(report.roomName).arg(report.reason)
                            color: Theme.text
                            font.bold: true
                            wrapMode: Text.WordWrap
                            Layout.fillWidth: true
                        }
                        Label {
                            visible: report.textHidden
                            text: qsTr("From a private room you are not in: its text is shown once you give a reason, and that read is recorded.")
                            color: Theme.mutedText
                            font.italic: true
                            wrapMode: Text.WordWrap
                            Layout.fillWidth: true
                        }
                        Repeater {
                            model: report.textHidden ? [] : report.context
                            delegate: Label {
                                required property var modelData
                                text: modelData.deleted ? qsTr("%1: (deleted)").arg(modelData.authorName)
                                                        : qsTr("%1: %2").arg(modelData.authorName).arg(modelData.text)
                                textFormat: Text.PlainText
                                font.bold: modelData.reported
                                color: modelData.reported ? Theme.critical : Theme.mutedText
                                wrapMode: Text.Wrap
                                Layout.fillWidth: true
                            }
                        }
                        RowLayout {
                            Button {
                                visible: report.textHidden
                                text: qsTr("Show text…")
                                Accessible.name: qsTr("Show the text of reports from private rooms, with a reason")
                                onClicked: ChatController.askReportsReason()
                            }
                            Button {
                                text: qsTr("Open in room")
                                Accessible.name: qsTr("Open report of %1 in its room").arg(report.reporter)
                                onClicked: ChatController.openRoomAt(report.roomId, report.messageId)
                            }
                            Button {
                                visible: tab.canResolve && report.reportState === "open"
                                text: qsTr("Resolve")
                                Accessible.name: qsTr("Resolve report of %1").arg(report.reporter)
                                onClicked: ChatController.resolveReport(report.reportId)
                            }
                        }
                    }
                }
            }
            ListStatus {
                loading: tab.reports.loading
                error: tab.reports.error
                empty: tab.reports.count === 0
                emptyText: ChatController.reportsState === "open" ? qsTr("No open reports.") : qsTr("No resolved reports.")
                retryName: qsTr("Retry loading the reports")
                onRetry: ChatController.loadReports(ChatController.reportsState)
                Layout.fillWidth: true
            }
        }
    }
}
