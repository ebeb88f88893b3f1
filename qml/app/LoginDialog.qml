import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme

// Signing in to a profile that uses an email and a password: at attach time when no session is
// stored, and whenever the session ends (expired, revoked, signed out). It lies over the page the
// person was on; that page, its selection and its live views are where they were afterwards.
Dialog {
    id: login
    readonly property Session session: Console.session
    readonly property bool wanted: session.loginRequired

    objectName: "loginDialog"
    title: qsTr("Sign in to %1").arg(Console.targetName)
    modal: true
    closePolicy: Popup.NoAutoClose
    anchors.centerIn: Overlay.overlay
    width: Math.min(480, parent ? parent.width - 60 : 480)
    focus: true

    onWantedChanged: wanted ? open() : close()
    Component.onCompleted: if (wanted) open()
    onOpened: {
        emailField.text = session.loginEmail
        passwordField.text = ""
        if (emailField.text === "")
            emailField.forceActiveFocus()
        else
            passwordField.forceActiveFocus()
    }

    function submit() {
        if (signInButton.enabled)
            session.signIn(emailField.text, passwordField.text)
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing / 2

        Label {
            objectName: "loginReason"
            visible: text !== ""
            text: login.session.loginReason
            color: Theme.text
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
        TextField {
            id: emailField
            objectName: "loginEmail"
            placeholderText: qsTr("Email address")
            Accessible.name: qsTr("Email address")
            inputMethodHints: Qt.ImhEmailCharactersOnly | Qt.ImhNoAutoUppercase
            Layout.fillWidth: true
            onAccepted: passwordField.forceActiveFocus()
        }
        TextField {
            id: passwordField
            objectName: "loginPassword"
            placeholderText: qsTr("Password")
            Accessible.name: qsTr("Password")
            echoMode: TextInput.Password
            Layout.fillWidth: true
            onAccepted: login.submit()
        }
        Label {
            objectName: "loginError"
            visible: text !== ""
            text: login.session.retryAfterSeconds > 0
                  ? qsTr("Too many sign-in attempts: try again in %n second(s).", "", login.session.retryAfterSeconds)
                  : login.session.error
            color: Theme.critical
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
        Label {
            text: qsTr("The password is sent once and never stored; the session is kept in the system keychain.")
            color: Theme.mutedText
            font.pixelSize: 11
            wrapMode: Text.WordWrap
            Layout.fillWidth: true
        }
        RowLayout {
            spacing: 6
            Layout.alignment: Qt.AlignRight
            BusyIndicator {
                running: login.session.busy
                visible: running
                implicitWidth: 28
                implicitHeight: 28
            }
            Button {
                text: qsTr("Use the local stack")
                Accessible.name: qsTr("Leave this cluster and use the local stack")
                flat: true
                onClicked: Console.attachLocal()
            }
            Button {
                id: signInButton
                objectName: "signInButton"
                text: qsTr("Sign in")
                Accessible.name: qsTr("Sign in")
                highlighted: true
                enabled: !login.session.busy && login.session.retryAfterSeconds === 0
                         && emailField.text !== "" && passwordField.text !== ""
                onClicked: login.submit()
            }
        }
    }
}
