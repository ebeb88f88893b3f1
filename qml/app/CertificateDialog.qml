import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme
import Meshdeck.Pages

// First contact with a certificate nobody vouches for: its facts, and the person decides.
// Trusting pins its key in the profile; nothing is ignored silently.
Dialog {
    id: dialog
    readonly property var offer: Console.connection.certificateOffer

    objectName: "certificateDialog"
    title: qsTr("Trust this certificate?")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(640, parent ? parent.width - 80 : 640)

    Connections {
        target: Console.connection
        function onStateChanged() {
            if (Console.connection.state === BackendConnection.Refused && (dialog.offer.pin ?? "") !== "")
                dialog.open()
            else if (dialog.opened)
                dialog.close()
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing / 2

        Label {
            text: qsTr("%1 presented a certificate that no authority this system trusts has signed. Compare the "
                       + "key fingerprint with the one its administrator gives you before you trust it.")
                  .arg(dialog.offer.host ?? "")
            wrapMode: Text.WordWrap
            color: Theme.text
            Layout.fillWidth: true
        }
        InfoRow {
            label: qsTr("Subject")
            value: dialog.offer.subject ?? ""
        }
        InfoRow {
            label: qsTr("Issuer")
            value: dialog.offer.issuer ?? ""
        }
        InfoRow {
            label: qsTr("Valid")
            value: qsTr("%1 to %2").arg(dialog.offer.validFrom ?? "").arg(dialog.offer.validUntil ?? "")
        }
        InfoRow {
            objectName: "offeredPin"
            label: qsTr("Key (SPKI SHA-256)")
            value: dialog.offer.pin ?? ""
            monospace: true
        }
    }

    // qmllint disable
    // (qmllint 6.4 does not resolve DialogButtonBox's attached enum; it is fine at run time)
    footer: DialogButtonBox {
        Button {
            text: qsTr("Trust and connect")
            Accessible.name: qsTr("Trust this certificate and connect")
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            text: qsTr("Cancel")
            Accessible.name: qsTr("Do not trust this certificate")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }
    // qmllint enable
    onAccepted: Console.trustOfferedCertificate()
}
