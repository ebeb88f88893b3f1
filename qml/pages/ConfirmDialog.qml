import QtQuick
import QtQuick.Controls
import Meshdeck.Theme

// A destructive action, said exactly before it is done: `text` tells what will happen and what
// stops working. Esc cancels, Enter confirms.
Dialog {
    id: confirm
    property string text
    property string confirmText: qsTr("OK")

    anchors.centerIn: Overlay.overlay
    modal: true
    contentWidth: 480
    focus: true
    // qmllint disable
    // (qmllint 6.4 does not resolve DialogButtonBox's attached enum; it is fine at run time)
    footer: DialogButtonBox {
        Button {
            text: confirm.confirmText
            Accessible.name: qsTr("Confirm")
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            text: qsTr("Cancel")
            Accessible.name: text
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }
    // qmllint enable
    Shortcut {
        sequences: ["Return", "Enter"]
        enabled: confirm.visible
        onActivated: confirm.accept()
    }

    Label {
        objectName: "confirmText"
        width: 480
        wrapMode: Text.WordWrap
        color: Theme.text
        text: confirm.text
    }
}
