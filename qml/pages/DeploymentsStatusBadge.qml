import QtQuick
import QtQuick.Controls
import Meshdeck.Theme

// A deployment's status as a coloured pill with its word (queued, building, ready, failed,
// canceled), so the status does not rest on colour alone.
Rectangle {
    id: badge
    property string status
    readonly property color tone: status === "ready" ? Theme.passing
                                : status === "failed" ? Theme.critical
                                : status === "building" ? Theme.accent
                                : status === "queued" ? Theme.warning
                                : Theme.idle
    readonly property string word: status === "ready" ? qsTr("Ready")
                                 : status === "failed" ? qsTr("Failed")
                                 : status === "building" ? qsTr("Building")
                                 : status === "queued" ? qsTr("Queued")
                                 : status === "canceled" ? qsTr("Canceled")
                                 : status

    implicitWidth: label.implicitWidth + 14
    implicitHeight: label.implicitHeight + 4
    radius: height / 2
    color: Qt.rgba(badge.tone.r, badge.tone.g, badge.tone.b, 0.16)
    border.color: badge.tone
    Accessible.role: Accessible.StaticText
    Accessible.name: badge.word

    Label {
        id: label
        anchors.centerIn: parent
        text: badge.word
        color: badge.tone
        font.pixelSize: 11
        font.bold: true
    }
}
