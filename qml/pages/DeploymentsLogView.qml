pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// A build log: numbered lines with their ANSI colours, following the end while the view is at the
// bottom; scrolling up pauses the follow, and a bar says how many lines came since. A text or
// regular-expression filter (its error shown), a jump to the first error, copy and save.
Rectangle {
    id: view
    required property BuildLogModel log
    property string loadError
    property string title

    function focusFilter() {
        filterField.forceActiveFocus()
    }
    function resume() {
        view.log.following = true
        lines.positionViewAtEnd()
    }

    color: Theme.surface
    border.color: Theme.border
    radius: Theme.radius

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 8
        spacing: 6

        // The title and the line count on one row, the filter and the actions on the next: on one
        // row they did not fit the page's width and overlapped.
        RowLayout {
            spacing: 6
            Layout.fillWidth: true
            Label {
                text: view.title
                font.bold: true
                color: Theme.text
                elide: Text.ElideMiddle
                Layout.fillWidth: true
            }
            Label {
                text: view.log.filterText.length > 0 ? qsTr("%1 of %2 lines").arg(view.log.count).arg(view.log.lineCount)
                                                     : qsTr("%1 lines").arg(view.log.lineCount)
                color: Theme.mutedText
            }
        }
        RowLayout {
            spacing: 6
            Layout.fillWidth: true
            TextField {
                id: filterField
                objectName: "logFilter"
                placeholderText: regex.checked ? qsTr("Regular expression") : qsTr("Filter lines")
                Accessible.name: qsTr("Filter the log")
                Layout.fillWidth: true
                Layout.minimumWidth: 120
                onTextEdited: view.log.filterText = text
            }
            CheckBox {
                id: regex
                objectName: "regexBox"
                text: qsTr("Regex")
                Accessible.name: qsTr("Filter with a regular expression")
                onToggled: view.log.filterIsRegex = checked
            }
            Button {
                objectName: "firstError"
                text: qsTr("First error")
                Accessible.name: qsTr("Jump to the first error")
                enabled: view.log.errorLineCount > 0
                onClicked: {
                    const row = view.log.firstErrorRow()
                    if (row >= 0) {
                        view.log.following = false
                        lines.currentIndex = row
                        lines.positionViewAtIndex(row, ListView.Center)
                    }
                }
            }
            Button {
                text: qsTr("Copy")
                Accessible.name: qsTr("Copy the shown lines")
                enabled: view.log.count > 0
                onClicked: view.log.copy(0, view.log.count - 1)
            }
            Button {
                text: qsTr("Save…")
                Accessible.name: qsTr("Save the log")
                onClicked: saveDialog.open()
            }
        }

        Label {
            objectName: "logError"
            visible: text.length > 0
            text: view.loadError.length > 0 ? view.loadError : view.log.error
            color: Theme.critical
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }

        ListView {
            id: lines
            objectName: "logLines"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: view.log
            reuseItems: true
            boundsBehavior: Flickable.StopAtBounds
            activeFocusOnTab: true
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Build log lines")
            ScrollBar.vertical: ScrollBar {}

            // Following: new rows keep the end in sight. A move the user makes away from the end
            // pauses it; coming back to the end resumes it. The end is sought again once the rows
            // are laid out (contentHeight is an estimate until the delegates exist: positioned on
            // the count alone, the view stopped rows short of the last line once a build was quiet).
            function followEnd() {
                if (view.log.following && !lines.moving && !lines.atYEnd)
                    lines.positionViewAtEnd()
            }
            onCountChanged: if (view.log.following) {
                lines.positionViewAtEnd()
                followAgain.restart()
            }
            onContentHeightChanged: if (view.log.following) followAgain.restart()
            onHeightChanged: if (view.log.following) followAgain.restart()

            // (a Timer, not Qt.callLater: qmllint 6.4 does not take Qt.callLater as a method)
            Timer {
                id: followAgain
                interval: 0
                onTriggered: lines.followEnd()
            }
            onMovementEnded: view.log.following = lines.atYEnd
            onAtYEndChanged: if (lines.atYEnd && lines.moving) view.log.following = true

            delegate: RowLayout {
                id: line
                required property int lineNumber
                required property string richText
                required property bool isError
                width: lines.width
                spacing: 8
                Label {
                    text: line.lineNumber
                    color: Theme.mutedText
                    font.family: Theme.monospace
                    horizontalAlignment: Text.AlignRight
                    Layout.preferredWidth: 64
                }
                Label {
                    text: line.richText
                    textFormat: Text.StyledText
                    color: line.isError ? Theme.critical : Theme.text
                    font.family: Theme.monospace
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
            }
        }

        Button {
            objectName: "newLines"
            visible: !view.log.following && view.log.newLinesWhilePaused > 0
            text: qsTr("%n new line(s)", "", view.log.newLinesWhilePaused)
            Accessible.name: qsTr("Follow the log: %n new line(s)", "", view.log.newLinesWhilePaused)
            Layout.alignment: Qt.AlignHCenter
            onClicked: view.resume()
        }
        Label {
            id: saveResult
            visible: text.length > 0
            color: Theme.mutedText
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
    }

    // (a Connections on the model: qmllint 6.4 does not see a list model as a QObject)
    Component.onCompleted: view.log.saveFinished.connect((ok, message) => saveResult.text = message)

    Dialog {
        id: saveDialog
        objectName: "saveLogDialog"
        title: qsTr("Save the log")
        anchors.centerIn: Overlay.overlay
        modal: true
        standardButtons: Dialog.Save | Dialog.Cancel
        onAccepted: view.log.saveTo("file://" + savePath.text)
        TextField {
            id: savePath
            width: 380
            placeholderText: qsTr("/path/to/build.log")
            Accessible.name: qsTr("File to save the log to")
        }
    }
}
