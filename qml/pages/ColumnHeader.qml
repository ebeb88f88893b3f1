import QtQuick
import QtQuick.Controls
import Meshdeck.Theme

// The title of a table column.
Label {
    color: Theme.mutedText
    font.pixelSize: 11
    font.bold: true
}
