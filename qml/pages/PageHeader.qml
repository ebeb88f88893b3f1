import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Theme

ColumnLayout {
    id: header
    property string title
    property string subtitle

    Layout.fillWidth: true
    spacing: 2

    Label {
        text: header.title
        font.pixelSize: 24
        font.bold: true
        color: Theme.text
    }
    Label {
        text: header.subtitle
        visible: text.length > 0
        color: Theme.mutedText
        wrapMode: Text.WordWrap
        Layout.fillWidth: true
    }
}
