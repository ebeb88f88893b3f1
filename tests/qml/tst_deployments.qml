import QtQuick
import QtQuick.Controls
import QtTest
import Meshdeck.Core
import Meshdeck.Pages

Item {
    id: root
    width: 1200
    height: 760

    Component {
        id: pageComponent
        DeploymentsPage {
            width: root.width
            height: root.height
        }
    }

    TestCase {
        name: "DeploymentsPage"
        when: windowShown

        function findByName(item, name) {
            if (item.Accessible && item.Accessible.name === name && item.visible)
                return item
            const kids = item.children
            for (let i = 0; kids && i < kids.length; ++i) {
                const found = findByName(kids[i], name)
                if (found)
                    return found
            }
            if (item.contentItem && item.contentItem !== item && item.contentItem.parent !== item) {
                const found = findByName(item.contentItem, name)
                if (found)
                    return found
            }
            return null
        }

        function test_aSitesDeploymentsAndTheRollbackSaysWhatWillHappen() {
            tryCompare(Console.connection, "state", BackendConnection.Connected)
            const page = createTemporaryObject(pageComponent, root)
            verify(page)
            const sites = findChild(page, "siteList")
            tryCompare(sites, "count", 1)
            waitForRendering(page)
            mouseClick(sites.itemAtIndex(0))
            compare(Console.deployments.selectedSite, "s1")
            const list = findChild(page, "deploymentList")
            tryCompare(list, "count", 3)
            waitForRendering(page)

            // d1 is live; the newer, ready d2 offers Activate, and the confirmation says what it replaces.
            const activate = findByName(list.itemAtIndex(1), "Activate d2")
            verify(activate, "a ready deployment that is not live offers Activate")
            verify(!findByName(list.itemAtIndex(2), "Activate d1"), "the live one does not")
            mouseClick(activate)
            const confirm = findChild(page, "deploymentConfirm")
            tryCompare(confirm, "opened", true)
            compare(confirm.text, "Activate deployment d2: site docs will serve it instead of d1.")
            confirm.reject()
            tryCompare(confirm, "visible", false)
        }

        function test_theQueueTabShowsTheWorkersAndWhatTheyBuild() {
            tryCompare(Console.connection, "state", BackendConnection.Connected)
            const page = createTemporaryObject(pageComponent, root)
            findChild(page, "deploymentsTabs").currentIndex = 2
            const workers = findChild(page, "buildWorkers")
            tryCompare(workers, "count", 2)
            waitForRendering(page)
            verify(findByName(workers.itemAtIndex(0), "worker-1: idle (0 of 2)"),
                   "a worker with nothing in the queue is idle, with its concurrency")
            verify(findByName(workers.itemAtIndex(1), "local/builds: idle (0 of 2)"))
        }

        function test_theArchivePickerFillsThePathField() {
            tryCompare(Console.connection, "state", BackendConnection.Connected)
            const page = createTemporaryObject(pageComponent, root)
            Console.deployments.selectedSite = "s1"
            const kind = findChild(page, "deploySourceKind")
            const browse = findChild(page, "deployBrowse")
            verify(!browse.visible, "a git URL has nothing to browse for")
            kind.currentIndex = 1
            tryCompare(browse, "visible", true)
            waitForRendering(page)
            mouseClick(browse)
            const picker = findChild(page, "deployArchivePicker")
            tryCompare(picker, "visible", true)
            // The picker takes only a file that exists: the test's own working directory has this one.
            const folder = String(picker.currentFolder)
            verify(folder.startsWith("file:///"), folder)
            picker.selectedNameFilter.index = 1 // all files
            picker.selectedFile = folder + "/CTestTestfile.cmake"
            picker.accepted() // as the dialog's Open button ends it (its own selection is Qt's to test)
            compare(findChild(page, "deploySource").text,
                    decodeURIComponent(folder.substring(7)) + "/CTestTestfile.cmake")
        }

        function test_theLogOfADeploymentIsShownFilteredAndItsFirstErrorFound() {
            tryCompare(Console.connection, "state", BackendConnection.Connected)
            const page = createTemporaryObject(pageComponent, root)
            Console.deployments.selectedSite = "s1"
            const list = findChild(page, "deploymentList")
            tryCompare(list, "count", 3)
            waitForRendering(page)
            mouseClick(list.itemAtIndex(0))
            compare(Console.deployments.selectedDeployment, "d3")
            const lines = findChild(page, "logLines")
            tryCompare(lines, "count", 4)
            waitForRendering(page)
            // Colours come as styled text, the escape sequences do not show.
            verify(String(lines.itemAtIndex(0).richText).indexOf("npm ci") >= 0)
            verify(String(lines.itemAtIndex(0).richText).indexOf("[32m") < 0)

            const firstError = findChild(page, "firstError")
            tryCompare(firstError, "enabled", true)
            mouseClick(firstError)
            compare(lines.currentIndex, 2)

            // A filter as typed: only the matching lines.
            const filter = findChild(page, "logFilter")
            mouseClick(filter)
            for (const c of "packages")
                keyClick(c)
            tryCompare(lines, "count", 1)
            compare(Console.deployments.log.valueAt(0, "lineNumber"), 2)

            // A regular expression that does not compile says why, and shows no lines.
            mouseClick(findChild(page, "regexBox"))
            mouseClick(filter)
            filter.selectAll()
            keyClick("(")
            tryCompare(lines, "count", 0)
            const error = findChild(page, "logError")
            tryVerify(() => error.visible && error.text.indexOf("not a valid regular expression") >= 0)
            filter.selectAll()
            keyClick(Qt.Key_Delete)
            tryCompare(lines, "count", 4)
        }
    }
}
