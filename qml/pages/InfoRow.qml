import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Theme

// "Label   value" for read-only facts.
RowLayout {
    id: row
    property string label
    property string value
    property bool monospace: false

    Layout.fillWidth: true
    spacing: Theme.spacing

    Label {
        id: caption
        text: row.label
        color: Theme.mutedText
        Layout.preferredWidth: 140
    }
    Label {
        text: row.value
        textFormat: Text.PlainText
        color: Theme.text
        font.family: row.monospace ? Theme.monospace : caption.font.family
        elide: Text.ElideMiddle  // long paths and ids keep both ends visible
        Layout.fillWidth: true
    }
}
