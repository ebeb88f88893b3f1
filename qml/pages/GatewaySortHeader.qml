import QtQuick
import QtQuick.Controls
import Meshdeck.Core
import Meshdeck.Theme

// A column title that sorts the routes by its key; the same column again turns the order around.
AbstractButton {
    id: header
    required property GatewayRoutesModel model
    required property string key
    readonly property bool sorted: model.sortKey === key

    focusPolicy: Qt.TabFocus
    Accessible.role: Accessible.ColumnHeader
    Accessible.name: sorted ? (model.sortAscending ? qsTr("%1, sorted ascending; sort descending").arg(text)
                                                   : qsTr("%1, sorted descending; sort ascending").arg(text))
                            : qsTr("Sort by %1").arg(text)
    onClicked: model.sortBy(key)
    Keys.onReturnPressed: model.sortBy(key)
    contentItem: Label {
        text: header.text + (header.sorted ? (header.model.sortAscending ? " ▲" : " ▼") : "")
        color: header.sorted ? Theme.text : Theme.mutedText
        font.pixelSize: 11
        font.bold: true
        font.underline: header.visualFocus
        elide: Text.ElideRight
    }
}
