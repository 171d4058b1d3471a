#include "record_form.h"

#include "display_format.h"
#include "session.h"

#include "synccore/civil_date.h"
#include "synccore/condition.h"
#include "synccore/device_store.h"

namespace anju {

using synccore::FieldType;
using synccore::Value;

namespace {

/// The text an input shows for a stored value (numbers without units, dates as typed).
QString editText(const Value& value) {
  if (value.is_null()) return {};
  if (value.is_string()) return QString::fromStdString(value.get<std::string>());
  if (value.is_number_integer()) return QString::number(value.get<int64_t>());
  if (value.is_number()) return QString::number(value.get<double>(), 'g', 12);
  return QString::fromStdString(value.dump());
}

bool isTyped(const synccore::FieldDef& f) {
  return f.type == FieldType::Text || f.type == FieldType::Integer || f.type == FieldType::Decimal ||
         f.type == FieldType::Date;
}

}  // namespace

RecordForm::RecordForm(QObject* parent) : QAbstractListModel(parent) {}

int RecordForm::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QHash<int, QByteArray> RecordForm::roleNames() const {
  return {{KeyRole, "key"},           {LabelRole, "label"},       {HintRole, "hint"},
          {TypeRole, "type"},         {UnitRole, "unit"},         {OptionsRole, "options"},
          {ValueRole, "value"},       {TextRole, "text"},         {VisibleRole, "relevant"},
          {ErrorRole, "error"},       {RequiredRole, "required"}, {SensitiveRole, "sensitive"},
          {SectionRole, "sectionLabel"}, {AutoFilledRole, "autoFilled"}};
}

QVariant RecordForm::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Question& q = m_questions[m_rows[static_cast<size_t>(index.row())]];
  const synccore::FieldDef& f = *q.field;
  switch (role) {
    case KeyRole: return QString::fromStdString(f.key);
    case LabelRole: return DisplayFormat::label(f.labels);
    case HintRole: return DisplayFormat::label(f.hint);
    case TypeRole: return QString::fromUtf8(synccore::fieldTypeName(f.type).data());
    case UnitRole: return f.unit ? DisplayFormat::label(*f.unit) : QString();
    case OptionsRole: {
      QVariantList options;
      for (const auto& o : f.options)
        options << QVariantMap{{"code", QString::fromStdString(o.code)}, {"label", DisplayFormat::label(o.labels)}};
      return options;
    }
    case ValueRole: return DisplayFormat::toVariant(q.value);
    case TextRole: return displayText(q);
    case VisibleRole: return q.visible;
    case ErrorRole: return q.error;
    case RequiredRole: return f.required;
    case SensitiveRole: return f.isSensitive();
    case SectionRole:
      for (const auto& s : m_def->sections)
        if (s.key == f.section) return DisplayFormat::label(s.labels);
      return QString();
    case AutoFilledRole: return q.autoFilled;
    default: return {};
  }
}

QString RecordForm::displayText(const Question& q) const {
  return isTyped(*q.field) ? q.text : DisplayFormat::text(*q.field, q.value);
}

void RecordForm::setRecordType(const QString& type) {
  if (type == m_type) return;
  m_type = type;
  load();
}

void RecordForm::setUuid(const QString& uuid) {
  if (uuid == m_uuid) return;
  m_uuid = uuid;
  load();
}

void RecordForm::setParentUuid(const QString& uuid) {
  if (uuid == m_parentUuid) return;
  m_parentUuid = uuid;
  load();
}

void RecordForm::setSection(const QString& section) {
  if (section == m_section) return;
  m_section = section;
  load();
}

QString RecordForm::title() const {
  if (!m_def) return {};
  const QString kind = DisplayFormat::label(m_def->labels);
  return isNew() ? tr("新增%1").arg(kind) : tr("编辑%1").arg(kind);
}

QVariantList RecordForm::sections() const {
  QVariantList out;
  if (!m_def) return out;
  for (const auto& s : m_def->sections)
    out << QVariantMap{{"key", QString::fromStdString(s.key)}, {"label", DisplayFormat::label(s.labels)}};
  return out;
}

void RecordForm::load() {
  Session* session = Session::instance();
  beginResetModel();
  m_questions.clear();
  m_rows.clear();
  m_stored.clear();
  m_saveErrors.clear();
  m_formError.clear();
  m_showAllErrors = false;
  m_def = session ? session->store().definition().record(m_type.toStdString()) : nullptr;
  if (m_def) {
    if (!isNew())
      if (auto record = session->store().load(m_uuid.toStdString()); record && record->type == m_def->type)
        m_stored = record->values;
    for (const auto& section : m_def->sections)
      for (const auto& key : section.fieldKeys) {
        Question q;
        q.field = m_def->field(key);
        if (!q.field) continue;
        auto it = m_stored.find(key);
        q.value = it != m_stored.end() ? it->second : Value();
        q.text = editText(q.value);
        if (m_section.isEmpty() || section.key == m_section.toStdString()) m_rows.push_back(m_questions.size());
        m_questions.push_back(std::move(q));
      }
    if (isNew()) {
      // Sensible defaults a worker would otherwise type every time.
      const std::string today = synccore::CivilDate::today().toString();
      if (m_def->type == "visit") {
        if (auto* q = question("visit_date")) setValue(*q, today);
        if (auto* q = question("kind"))
          setValue(*q, session->store().children(m_parentUuid.toStdString(), "visit").empty() ? "registration"
                                                                                                  : "revisit");
      }
      if (m_def->type == "household" && !session->grids().isEmpty())
        if (auto* q = question("grid")) setValue(*q, session->grids().front().toStdString());
    }
  }
  m_movedToGrid = m_def ? householdGridOutsideMine() : QString();
  endResetModel();
  revalidate();
  emit recordChanged();
}

RecordForm::Question* RecordForm::question(const QString& key) {
  for (auto& q : m_questions)
    if (q.field->key == key.toStdString()) return &q;
  return nullptr;
}

const RecordForm::Question* RecordForm::question(const QString& key) const {
  return const_cast<RecordForm*>(this)->question(key);
}

int RecordForm::rowOf(const QString& key) const {
  for (size_t row = 0; row < m_rows.size(); ++row)
    if (m_questions[m_rows[row]].field->key == key.toStdString()) return static_cast<int>(row);
  return -1;
}

QVariant RecordForm::valueOf(const QString& key) const {
  const Question* q = question(key);
  return q ? DisplayFormat::toVariant(q->value) : QVariant();
}

QString RecordForm::errorOf(const QString& key) const {
  const Question* q = question(key);
  return q ? q->error : QString();
}

void RecordForm::setValue(Question& q, Value value) {
  q.value = std::move(value);
  q.text = editText(q.value);
  q.parseError.clear();
}

void RecordForm::setText(const QString& key, const QString& text) {
  Question* q = question(key);
  if (!q) return;
  q->text = text;
  q->touched = true;
  q->autoFilled = false;
  const auto parsed = synccore::parseFieldInput(*q->field, text.toStdString());
  q->parseError = parsed.ok ? QString() : DisplayFormat::chosen(parsed.messageZh, parsed.messageEn);
  if (parsed.ok) q->value = parsed.value;
  m_saveErrors.erase(q->field->key);
  if (key == QLatin1String("id_number")) autofillFromIdNumber();
  revalidate();
}

void RecordForm::answer(const QString& key, Value value) {
  Question* q = question(key);
  if (!q) return;
  q->touched = true;
  q->autoFilled = false;
  setValue(*q, std::move(value));
  m_saveErrors.erase(q->field->key);
  revalidate();
}

void RecordForm::setChoice(const QString& key, const QString& code) {
  answer(key, code.isEmpty() ? Value() : Value(code.toStdString()));
}

void RecordForm::toggleChoice(const QString& key, const QString& code) {
  const Question* q = question(key);
  if (!q) return;
  Value next = Value::array();
  bool removed = false;
  for (const auto& c : q->value.is_array() ? q->value : Value::array()) {
    if (c == code.toStdString()) removed = true;
    else next.push_back(c);
  }
  if (!removed) next.push_back(code.toStdString());
  answer(key, next.empty() ? Value() : next);
}

void RecordForm::setYesNo(const QString& key, const QVariant& answerValue) {
  answer(key, answerValue.isValid() && !answerValue.isNull() ? Value(answerValue.toBool()) : Value());
}

void RecordForm::autofillFromIdNumber() {
  // Birth date and sex follow a valid ID number unless the worker typed them.
  synccore::RecordValues person = currentValues();
  for (const char* key : {"birth_date", "sex"})
    if (const Question* q = question(QString::fromLatin1(key)); q && q->autoFilled) person.erase(key);
  const synccore::RecordValues before = person;
  synccore::fillFromIdNumber(person, synccore::CivilDate::today());
  for (const char* key : {"birth_date", "sex"}) {
    Question* q = question(QString::fromLatin1(key));
    auto filled = person.find(key);
    if (!q || filled == person.end() || before.count(key)) continue;
    setValue(*q, filled->second);
    q->autoFilled = true;
  }
}

synccore::RecordValues RecordForm::currentValues() const {
  synccore::RecordValues values;
  for (const auto& q : m_questions)
    if (!q.value.is_null()) values[q.field->key] = q.value;
  return values;
}

void RecordForm::revalidate() {
  if (!m_def) return;
  const auto today = synccore::CivilDate::today();
  const auto values = currentValues();
  const auto relevantValues = synccore::withDerivedValues(m_def->type, values, today);
  // Only relevant answers are checked (and saved): an answer to a question that no longer applies is dropped.
  synccore::RecordValues checked;
  for (auto& q : m_questions) {
    q.visible = synccore::evaluateCondition(q.field->relevant, relevantValues);
    if (q.visible && !q.value.is_null()) checked[q.field->key] = q.value;
  }
  synccore::Validator validator(Session::instance()->store().definition(), today);
  std::map<std::string, QString> failures;
  for (const auto& f : validator.checkRecord(m_def->type, m_uuid.toStdString(), checked))
    failures.emplace(f.field, DisplayFormat::failure(f));
  for (auto& q : m_questions) {
    auto failure = failures.find(q.field->key);
    auto saveError = m_saveErrors.find(q.field->key);
    const bool isRequiredOnly = failure != failures.end() && q.value.is_null();
    if (!q.visible) q.error.clear();
    else if (!q.parseError.isEmpty()) q.error = q.parseError;
    else if (saveError != m_saveErrors.end()) q.error = saveError->second;
    // An empty required question is only pointed out once touched or after a save attempt.
    else if (failure != failures.end() && (!isRequiredOnly || q.touched || m_showAllErrors)) q.error = failure->second;
    else q.error.clear();
  }
  if (!m_rows.empty()) emit dataChanged(index(0), index(rowCount() - 1));
  emit validityChanged();
}

bool RecordForm::canSave() const {
  if (!m_def) return false;
  synccore::RecordValues checked;
  for (const auto& q : m_questions) {
    if (!q.parseError.isEmpty()) return false;
    if (q.visible && !q.value.is_null()) checked[q.field->key] = q.value;
  }
  synccore::Validator validator(Session::instance()->store().definition(), synccore::CivilDate::today());
  return validator.checkRecord(m_def->type, m_uuid.toStdString(), checked).empty();
}

bool RecordForm::dirty() const {
  for (const auto& q : m_questions) {
    auto stored = m_stored.find(q.field->key);
    const Value& before = stored != m_stored.end() ? stored->second : Value();
    if (!q.parseError.isEmpty() || (q.visible ? q.value : Value()) != before) return true;
  }
  return false;
}

int RecordForm::errorCount() const {
  int count = 0;
  for (const auto& q : m_questions) count += q.error.isEmpty() ? 0 : 1;
  return count;
}

QString RecordForm::householdGridOutsideMine() const {
  Session* session = Session::instance();
  synccore::RecordValues household;
  if (m_def->type == "household") {
    household = m_stored;
  } else if (auto parent = session->store().load(m_parentUuid.toStdString()); parent && parent->type == "household") {
    household = parent->values;
  }
  return session->movedAwayGrid(household);
}

QString RecordForm::save() {
  if (!m_def) return {};
  m_showAllErrors = true;
  m_formError.clear();
  if (!m_movedToGrid.isEmpty()) {
    m_formError = tr("此户所在的网格 %1 已不由您负责,修改无法保存。如需更正,请联系社区。").arg(m_movedToGrid);
    emit validityChanged();
    return {};
  }
  if (!canSave()) {
    revalidate();
    m_formError = tr("还有 %n 处需要修改,已在题目下方标出", "", errorCount());
    emit validityChanged();
    return {};
  }
  synccore::RecordWrite write;
  write.type = m_def->type;
  write.uuid = m_uuid.toStdString();
  write.parentUuid = m_parentUuid.toStdString();
  for (const auto& q : m_questions) {
    const Value value = q.visible ? q.value : Value();
    auto stored = m_stored.find(q.field->key);
    const Value& before = stored != m_stored.end() ? stored->second : Value();
    if (value != before) write.values[q.field->key] = value;
  }
  auto& store = Session::instance()->store();
  synccore::SaveResult result;
  try {
    result = store.save({write});
  } catch (const std::exception& e) {
    m_formError = tr("保存失败,数据未写入:%1").arg(QString::fromStdString(e.what()));
    emit validityChanged();
    return {};
  }
  if (!result.ok()) {
    m_saveErrors.clear();
    QStringList general;
    for (const auto& f : result.failures) {
      if (question(QString::fromStdString(f.field))) m_saveErrors.emplace(f.field, DisplayFormat::failure(f));
      else general << DisplayFormat::failure(f);
    }
    m_formError = general.isEmpty() ? tr("还有问题需要修改,已在题目下方标出") : general.join(QLatin1Char('\n'));
    revalidate();
    return {};
  }
  const QString saved = QString::fromStdString(result.uuids.empty() ? write.uuid : result.uuids.front());
  Session::instance()->notifyDataChanged();
  if (saved != m_uuid) setUuid(saved);
  else load();
  return saved;
}

void RecordForm::revert() { load(); }

}  // namespace anju
