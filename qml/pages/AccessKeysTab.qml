pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// API keys: the list (by prefix only: the backend keeps a hash, never the key), creating one with
// its scopes and expiry, and revoking. A new key is shown once, in a dialog; closing it forgets it.
ColumnLayout {
    id: tab
    property bool canWrite
    readonly property ApiKeysModel keys: AccessController.keys

    function focusSearch() {
        keyList.forceActiveFocus()
    }

    spacing: 6

    RowLayout {
        Layout.fillWidth: true
        Label {
            text: qsTr("API keys act with the owner's role, narrowed to their scopes.")
            color: Theme.mutedText
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
        Button {
            text: qsTr("New API key…")
            Accessible.name: qsTr("Create an API key")
            visible: tab.canWrite
            onClicked: createDialog.open()
        }
    }

    Rectangle {
        Layout.fillWidth: true
        Layout.fillHeight: true
        color: Theme.surface
        border.color: Theme.border
        radius: Theme.radius
        ColumnLayout {
            anchors.fill: parent
            anchors.margins: 6
            ListView {
                id: keyList
                objectName: "keyList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: tab.keys
                activeFocusOnTab: true
                keyNavigationEnabled: true
                Accessible.role: Accessible.List
                Accessible.name: qsTr("API keys")
                delegate: ItemDelegate {
                    id: keyEntry
                    required property string keyId
                    required property string name
                    required property string prefix
                    required property string scopes
                    required property string expires
                    required property string lastUsed
                    required property bool revoked
                    required property string stateText
                    width: keyList.width
                    highlighted: ListView.isCurrentItem
                    Accessible.name: qsTr("Key %1 (%2…), %3, scopes %4").arg(name).arg(prefix).arg(stateText).arg(scopes)
                    background: SelectionBackground {
                        selected: keyEntry.highlighted
                        focused: keyEntry.ListView.isCurrentItem && keyList.activeFocus
                    }
                    contentItem: RowLayout {
                        ColumnLayout {
                            spacing: 0
                            Layout.fillWidth: true
                            Label {
                                text: qsTr("%1 · %2…").arg(keyEntry.name).arg(keyEntry.prefix)
                                textFormat: Text.PlainText
                                color: keyEntry.revoked ? Theme.mutedText : Theme.text
                                font.bold: true
                            }
                            Label {
                                text: qsTr("Scopes: %1").arg(keyEntry.scopes)
                                color: Theme.mutedText
                                font.pixelSize: 11
                                wrapMode: Text.WordWrap
                                Layout.fillWidth: true
                            }
                            Label {
                                text: qsTr("%1 · expires: %2 · last used: %3").arg(keyEntry.stateText).arg(keyEntry.expires)
                                      .arg(keyEntry.lastUsed)
                                color: keyEntry.revoked ? Theme.critical : Theme.mutedText
                                font.pixelSize: 11
                            }
                        }
                        Button {
                            text: qsTr("Revoke…")
                            Accessible.name: qsTr("Revoke the key %1").arg(keyEntry.name)
                            visible: tab.canWrite && !keyEntry.revoked
                            onClicked: {
                                revokeDialog.keyId = keyEntry.keyId
                                revokeDialog.keyName = keyEntry.name
                                revokeDialog.keyPrefix = keyEntry.prefix
                                revokeDialog.keyScopes = keyEntry.scopes
                                revokeDialog.open()
                            }
                        }
                    }
                }
            }
            ListStatus {
                Layout.fillWidth: true
                loading: tab.keys.loading
                error: tab.keys.error
                empty: keyList.count === 0
                emptyText: tab.canWrite ? qsTr("No API keys yet. Create one for a script or a service that calls the API.")
                                        : qsTr("No API keys yet.")
                retryName: qsTr("Retry loading the API keys")
                onRetry: AccessController.refreshKeys()
            }
        }
    }

    ConfirmDialog {
        id: revokeDialog
        property string keyId
        property string keyName
        property string keyPrefix
        property string keyScopes
        objectName: "revokeKeyDialog"
        title: qsTr("Revoke the key %1?").arg(keyName)
        confirmText: qsTr("Revoke")
        text: qsTr("Every request with the key %1… is refused from now on: whatever uses it loses %2, and its "
                   + "open live connections are closed. This cannot be undone; a new key would have to be "
                   + "created and given to it.").arg(keyPrefix).arg(keyScopes)
        onAccepted: AccessController.revokeKey(keyId)
    }

    Dialog {
        id: createDialog
        property bool pending
        objectName: "createKeyDialog"
        title: qsTr("New API key")
        anchors.centerIn: Overlay.overlay
        modal: true
        focus: true
        contentWidth: 520
        contentHeight: 420
        onOpened: {
            createError.text = ""
            keyNameField.forceActiveFocus()
        }
        Connections {
            target: AccessController
            function onActionFinished(ok: bool, message: string) {
                if (!createDialog.pending || ok)
                    return
                createDialog.pending = false
                createError.text = message
            }
            function onKeyCreated(key: string, name: string, prefix: string) {
                createDialog.pending = false
                keyNameField.text = ""
                createDialog.close()
                shownOnce.show(key, name)
            }
        }
        ColumnLayout {
            anchors.fill: parent
            TextField {
                id: keyNameField
                objectName: "keyName"
                placeholderText: qsTr("Name (where it is used: ci, deploy bot…)")
                Accessible.name: qsTr("Key name")
                Layout.fillWidth: true
            }
            ComboBox {
                id: expiry
                objectName: "keyExpiry"
                Accessible.name: qsTr("Key expiry")
                implicitContentWidthPolicy: ComboBox.WidestText
                textRole: "label"
                valueRole: "value"
                model: AccessController.expiryChoices
            }
            Label {
                text: qsTr("Scopes (%1 picked); you can only give what you hold yourself").arg(AccessController.permissions.selectedCount)
                color: Theme.text
            }
            ListView {
                id: scopeList
                objectName: "scopeList"
                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: AccessController.permissions
                activeFocusOnTab: true
                keyNavigationEnabled: true
                Accessible.role: Accessible.List
                Accessible.name: qsTr("Scopes")
                delegate: CheckDelegate {
                    id: scopeEntry
                    required property int index
                    required property string name
                    required property string description
                    required property bool held
                    required property bool selected
                    width: scopeList.width
                    enabled: held
                    checked: selected
                    text: held ? qsTr("%1 — %2").arg(name).arg(description)
                               : qsTr("%1 — %2 (you do not hold it)").arg(name).arg(description)
                    Accessible.name: qsTr("Scope %1").arg(name)
                    onToggled: AccessController.permissions.setSelected(index, checked)
                }
            }
            ListStatus {
                Layout.fillWidth: true
                loading: AccessController.permissions.loading
                error: AccessController.permissions.error
                empty: scopeList.count === 0
                emptyText: qsTr("The backend lists no permissions.")
                retryName: qsTr("Retry loading the permissions")
                onRetry: AccessController.refresh()
            }
            Label {
                id: createError
                objectName: "createKeyError"
                visible: text.length > 0
                color: Theme.critical
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
        }
        footer: DialogButtonBox {
            Button {
                text: qsTr("Create")
                Accessible.name: qsTr("Create the key")
                enabled: !createDialog.pending
                onClicked: {
                    createDialog.pending = true
                    createError.text = ""
                    AccessController.createKey(keyNameField.text, Number(expiry.currentValue))
                }
            }
            Button {
                text: qsTr("Cancel")
                Accessible.name: qsTr("Cancel creating a key")
                onClicked: createDialog.close()
            }
        }
    }

    // The key, once. It lives only in this dialog's field while the dialog is open.
    Dialog {
        id: shownOnce
        objectName: "keyShownOnce"
        property string createdName

        function show(key: string, name: string) {
            createdName = name
            secretField.text = key
            copied.visible = false
            open()
        }

        title: qsTr("Your new API key %1").arg(createdName)
        anchors.centerIn: Overlay.overlay
        modal: true
        focus: true
        closePolicy: Popup.CloseOnEscape
        contentWidth: 560
        onClosed: {
            secretField.text = ""
            createdName = ""
        }
        ColumnLayout {
            width: 560
            Label {
                objectName: "keyOnceWarning"
                text: qsTr("Copy it now: you will not see it again. Meshdeck keeps only its prefix; if it is lost, "
                           + "revoke it and create another.")
                color: Theme.warning
                font.bold: true
                wrapMode: Text.WordWrap
                Layout.fillWidth: true
            }
            RowLayout {
                Layout.fillWidth: true
                TextField {
                    id: secretField
                    objectName: "newKeyField"
                    readOnly: true
                    selectByMouse: true
                    font.family: "monospace"
                    Accessible.name: qsTr("The new API key")
                    Layout.fillWidth: true
                }
                Button {
                    objectName: "copyKeyButton"
                    text: qsTr("Copy")
                    Accessible.name: qsTr("Copy the key")
                    onClicked: {
                        secretField.selectAll()
                        secretField.copy()
                        secretField.deselect()
                        copied.visible = true
                    }
                }
            }
            Label {
                id: copied
                visible: false
                text: qsTr("Copied to the clipboard.")
                color: Theme.mutedText
            }
        }
        footer: DialogButtonBox {
            Button {
                text: qsTr("I have copied it")
                Accessible.name: qsTr("Close the key")
                onClicked: shownOnce.close()
            }
        }
    }
}
