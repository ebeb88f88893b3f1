import QtQuick
import QtQuick.Controls

// A health status as a coloured pill with its icon (passing, warning, critical, draining), so the
// status does not rest on colour alone.
Rectangle {
    id: badge
    property string status
    readonly property color tone: StateText.healthColor(badge.status)

    implicitWidth: row.implicitWidth + 12
    implicitHeight: row.implicitHeight + 4
    radius: height / 2
    color: Qt.rgba(badge.tone.r, badge.tone.g, badge.tone.b, 0.16)
    border.color: badge.tone
    Accessible.role: Accessible.StaticText
    Accessible.name: StateText.health(badge.status)

    Row {
        id: row
        anchors.centerIn: parent
        spacing: 4
        Image {
            objectName: "statusIcon"
            anchors.verticalCenter: parent.verticalCenter
            width: 12
            height: 12
            sourceSize.width: 24
            sourceSize.height: 24
            source: StateText.healthIcon(badge.status)
        }
        Label {
            id: label
            text: StateText.health(badge.status)
            color: badge.tone
            font.pixelSize: 11
            font.bold: true
        }
    }
}
