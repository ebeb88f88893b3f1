import QtQuick
import QtQuick.Controls

// A health status as a coloured pill: passing, warning, critical or draining.
Rectangle {
    id: badge
    property string status

    implicitWidth: label.implicitWidth + 14
    implicitHeight: label.implicitHeight + 4
    radius: height / 2
    readonly property color tone: StateText.healthColor(badge.status)
    color: Qt.rgba(badge.tone.r, badge.tone.g, badge.tone.b, 0.16)
    border.color: badge.tone

    Label {
        id: label
        anchors.centerIn: parent
        text: StateText.health(badge.status)
        color: badge.tone
        font.pixelSize: 11
        font.bold: true
    }
}
