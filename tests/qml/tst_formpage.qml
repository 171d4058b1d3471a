import QtQuick
import QtTest
import Anju.Backend
import Anju.Ui

// FormPage: a person form rendered from the survey definition, relevance, inline messages, autofill.
Item {
    id: root
    width: 800
    height: 600

    TestCase {
        id: testCase
        name: "FormPage"
        when: windowShown

        Component {
            id: formPage
            FormPage { width: 800; height: 600 }
        }

        function openPersonForm() {
            const page = createTemporaryObject(formPage, root)
            page.form.recordType = "person"
            const list = findChild(page, "questionList")
            verify(list !== null)
            tryVerify(() => list.count > 0)
            return page
        }

        function questionItem(page, key) {
            const list = findChild(page, "questionList")
            const row = page.form.rowOf(key)
            verify(row >= 0, key)
            list.positionViewAtIndex(row, ListView.Beginning)
            const item = list.itemAtIndex(row)
            verify(item !== null, "no delegate for " + key)
            return item
        }

        function input(page, key) {
            questionItem(page, key)
            const item = findChild(page, "input_" + key)
            verify(item !== null, "no input for " + key)
            return item
        }

        function typeInto(field, text) {
            mouseClick(field)
            verify(field.activeFocus)
            for (let i = 0; i < text.length; ++i) keyClick(text[i])
        }

        function test_rendersEveryQuestionWithItsInput() {
            const page = openPersonForm()
            compare(findChild(page, "questionList").count, 25)
            compare(findChild(page, "formTitle").text, "新增家庭成员")
            verify(String(input(page, "name")).indexOf("TextField") >= 0)
            compare(input(page, "name").inputMethodHints, Qt.ImhNone)
            verify(String(input(page, "id_number")).indexOf("TextField") >= 0)
            compare(input(page, "id_number").inputMethodHints, Qt.ImhPreferNumbers | Qt.ImhPreferUppercase)
            compare(input(page, "sex").options.length, 2)           // two chips
            compare(input(page, "relation").options.length, 9)      // a drop-down list
            verify(findChild(input(page, "birth_date"), "dateButton") !== null)
            compare(findChild(input(page, "birth_date"), "dateButton").text, "选择日期")
            compare(input(page, "disability_grade").inputMethodHints, Qt.ImhDigitsOnly)
            compare(input(page, "monthly_income").inputMethodHints, Qt.ImhFormattedNumbersOnly)
            verify(input(page, "in_school").current === undefined)  // a yes/no pair, unanswered
            compare(input(page, "training_wanted").options.length, 12)
            compare(questionItem(page, "name").label, "姓名")
            verify(questionItem(page, "name").required)
        }

        function test_relevanceHidesAndShowsQuestions() {
            const page = openPersonForm()
            verify(!questionItem(page, "in_school").visible)       // no age yet
            compare(questionItem(page, "in_school").height, 0)
            page.form.setText("birth_date", "2015-06-01")           // what the date picker sends
            verify(questionItem(page, "in_school").visible)
            verify(!questionItem(page, "school_stage").visible)
            const yes = input(page, "in_school").children[0]
            compare(yes.text, "是")
            waitForRendering(page)
            mouseClick(yes)
            compare(page.form.valueOf("in_school"), true)
            verify(questionItem(page, "school_stage").visible)
            verify(questionItem(page, "school_stage").height > 0)
            const no = input(page, "in_school").children[1]
            waitForRendering(page)
            mouseClick(no)
            verify(!questionItem(page, "school_stage").visible)
        }

        function test_inlineMessageUnderTheQuestionAsTextIsTyped() {
            const page = openPersonForm()
            page.form.setChoice("health", "disability")
            const grade = input(page, "disability_grade")
            const message = findChild(page, "error_disability_grade")
            verify(!message.visible)
            waitForRendering(page)
            typeInto(grade, "9")
            compare(grade.text, "9")
            verify(message.visible)
            compare(message.text, "「残疾等级」不能大于4")
            keyClick(Qt.Key_Backspace)
            typeInto(grade, "x")
            compare(message.text, "「残疾等级」应为整数,输入为“x”")
            keyClick(Qt.Key_Backspace)
            keyClick("3")
            verify(!message.visible)
            compare(page.form.valueOf("disability_grade"), 3)

            const id = input(page, "id_number")
            waitForRendering(page)
            typeInto(id, "640121198003151239")  // wrong check character
            const idMessage = findChild(page, "error_id_number")
            verify(idMessage.visible)
            verify(idMessage.text.indexOf("校验位错误") >= 0, idMessage.text)
        }

        function test_idNumberFillsBirthDateAndSex() {
            const page = openPersonForm()
            const id = input(page, "id_number")
            waitForRendering(page)
            typeInto(id, "640121198003151238")
            verify(!findChild(page, "error_id_number").visible)
            compare(findChild(input(page, "birth_date"), "dateButton").text, "1980-03-15")
            verify(questionItem(page, "birth_date").autoFilled)
            compare(input(page, "sex").current, "male")
            verify(questionItem(page, "sex").autoFilled)
            // The age now known, the school and work questions apply.
            verify(questionItem(page, "in_school").visible)
            verify(questionItem(page, "skills").visible)
        }

        function test_saveShowsWhatIsMissing() {
            const page = openPersonForm()
            const banner = findChild(page, "formError")
            verify(!banner.visible)
            verify(!findChild(page, "error_name").visible)
            mouseClick(findChild(page, "saveButton"))
            verify(banner.visible)
            compare(page.form.formError, "还有 4 处需要修改,已在题目下方标出")
            questionItem(page, "name")
            verify(findChild(page, "error_name").visible)
            compare(findChild(page, "error_name").text, "「姓名」为必填项")
        }
    }
}
