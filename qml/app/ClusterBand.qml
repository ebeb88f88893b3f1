import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Meshdeck.Core
import Meshdeck.Theme
import Meshdeck.Pages

// Above every page: which cluster the console is attached to, in its colour, and which node.
// People mix up environments; this band is never off screen.
Rectangle {
    id: band
    readonly property BackendConnection connection: Console.connection
    readonly property Session session: Console.session
    readonly property color bandColour: Console.targetColour !== "" ? Console.targetColour : Theme.sidebar
    readonly property color textColour: bandColour.hslLightness > 0.6 ? "#1a1d23" : "#ffffff"

    objectName: "clusterBand"
    implicitHeight: row.implicitHeight + Theme.spacing
    color: bandColour
    Accessible.role: Accessible.StaticText
    Accessible.name: qsTr("Attached to %1: %2").arg(Console.targetName).arg(nodeLabel.text)
                     + (identity.visible ? " · " + identity.text : "")

    RowLayout {
        id: row
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing * 2
        anchors.rightMargin: Theme.spacing * 2
        spacing: Theme.spacing

        Label {
            objectName: "clusterName"
            text: Console.targetName
            color: band.textColour
            font.bold: true
            font.pixelSize: 15
        }
        Label {
            text: StateText.connection(band.connection.state)
            color: band.textColour
        }
        Label {
            id: nodeLabel
            objectName: "attachedNode"
            text: band.connection.nodeUrls.length > 1
                  ? qsTr("node %1 (%2 of %3)").arg(String(band.connection.url)).arg(band.connection.nodeIndex + 1)
                        .arg(band.connection.nodeUrls.length)
                  : String(band.connection.url)
            color: band.textColour
            elide: Text.ElideMiddle
            horizontalAlignment: Text.AlignRight
            Layout.fillWidth: true
        }
        // Who the console acts as here, and in which role: what it offers follows from that.
        Label {
            id: identity
            objectName: "signedInAs"
            visible: band.session.known && band.session.role !== ""
            text: band.session.kind === "user"
                  ? qsTr("Signed in as %1 (%2)").arg(band.session.displayName).arg(band.session.roleText)
                  : qsTr("%1 (%2)").arg(band.session.displayName).arg(band.session.roleText)
            color: band.textColour
            font.bold: true
        }
        Button {
            objectName: "signOutButton"
            visible: band.session.passwordSignIn && !band.session.loginRequired
            text: qsTr("Sign out")
            Accessible.name: qsTr("Sign out of %1").arg(Console.targetName)
            flat: true
            enabled: !band.session.busy
            onClicked: band.session.signOut()
        }
    }
}
