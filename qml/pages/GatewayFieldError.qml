import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Theme

// The backend's reason for refusing one field of the route editor, under that field.
Label {
    id: message
    // The field's path as the API names it ("match.pathPrefix").
    required property string field
    required property var errors

    readonly property string reason: errors[field] ?? ""
    objectName: "fieldError_" + field
    visible: reason.length > 0
    text: reason
    color: Theme.critical
    font.pixelSize: 11
    wrapMode: Text.WordWrap
    Layout.fillWidth: true
    Accessible.role: Accessible.StaticText
    Accessible.name: reason
}
