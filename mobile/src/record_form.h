#pragma once
// A form generated from the survey definition for one record: the right input per type, relevance,
// inline validation as the worker types, ID-number autofill, and one-transaction save.
#include "synccore/survey_definition.h"
#include "synccore/validation.h"

#include <QAbstractListModel>
#include <QSet>
#include <QtQml/qqml.h>

namespace anju {

/// The questions of one household, person or visit record, as rows QML renders.
class RecordForm : public QAbstractListModel {
  Q_OBJECT
  QML_ELEMENT
  Q_PROPERTY(QString recordType READ recordType WRITE setRecordType NOTIFY recordChanged)
  Q_PROPERTY(QString uuid READ uuid WRITE setUuid NOTIFY recordChanged)
  Q_PROPERTY(QString parentUuid READ parentUuid WRITE setParentUuid NOTIFY recordChanged)
  Q_PROPERTY(QString section READ section WRITE setSection NOTIFY recordChanged)
  Q_PROPERTY(bool isNew READ isNew NOTIFY recordChanged)
  Q_PROPERTY(QString movedToGrid READ movedToGrid NOTIFY recordChanged)
  Q_PROPERTY(QString title READ title NOTIFY recordChanged)
  Q_PROPERTY(QVariantList sections READ sections NOTIFY recordChanged)
  Q_PROPERTY(bool canSave READ canSave NOTIFY validityChanged)
  Q_PROPERTY(bool dirty READ dirty NOTIFY validityChanged)
  Q_PROPERTY(int errorCount READ errorCount NOTIFY validityChanged)
  Q_PROPERTY(QString formError READ formError NOTIFY validityChanged)

 public:
  enum Role {
    KeyRole = Qt::UserRole + 1,
    LabelRole,
    HintRole,
    TypeRole,
    UnitRole,
    OptionsRole,
    ValueRole,
    TextRole,
    VisibleRole,
    ErrorRole,
    RequiredRole,
    SensitiveRole,
    SectionRole,
    AutoFilledRole,
  };

  explicit RecordForm(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  QString recordType() const { return m_type; }
  void setRecordType(const QString& type);
  QString uuid() const { return m_uuid; }
  /// Empty for a new record.
  void setUuid(const QString& uuid);
  QString parentUuid() const { return m_parentUuid; }
  void setParentUuid(const QString& uuid);
  QString section() const { return m_section; }
  /// Only this section's questions (empty: all of them).
  void setSection(const QString& section);
  bool isNew() const { return m_uuid.isEmpty(); }
  /// The grid the record's household was moved to when it is no longer the worker's (then nothing
  /// can be saved: the server would refuse it); empty otherwise.
  QString movedToGrid() const { return m_movedToGrid; }
  QString title() const;
  QVariantList sections() const;
  bool canSave() const;
  bool dirty() const;
  int errorCount() const;
  QString formError() const { return m_formError; }

  /// Typed text for text, number and date questions; parsed and checked at once.
  Q_INVOKABLE void setText(const QString& key, const QString& text);
  /// A single choice (empty code clears it).
  Q_INVOKABLE void setChoice(const QString& key, const QString& code);
  /// Adds or removes one code of a multiple choice.
  Q_INVOKABLE void toggleChoice(const QString& key, const QString& code);
  /// true, false, or undefined to clear.
  Q_INVOKABLE void setYesNo(const QString& key, const QVariant& answer);
  /// Writes the record in one transaction. Returns its UUID, or empty when nothing could be saved
  /// (every problem is then shown on its question or in formError).
  Q_INVOKABLE QString save();
  /// Forgets unsaved edits.
  Q_INVOKABLE void revert();
  /// The row of a question, or -1 (for tests and scrolling to an error).
  Q_INVOKABLE int rowOf(const QString& key) const;
  /// The current value of a question as QML sees it (for tests and summaries).
  Q_INVOKABLE QVariant valueOf(const QString& key) const;
  Q_INVOKABLE QString errorOf(const QString& key) const;

 signals:
  void recordChanged();
  void validityChanged();

 private:
  /// One question and what the worker has entered so far.
  struct Question {
    const synccore::FieldDef* field = nullptr;
    QString text;                 // what was typed, for typed inputs
    synccore::Value value;        // the parsed value
    QString parseError;           // the typed text cannot be read as a value
    QString error;                // what to show under the question
    bool visible = true;          // relevant under the current answers
    bool touched = false;
    bool autoFilled = false;
  };

  void load();
  void setValue(Question& q, synccore::Value value);
  /// The worker answered a question by a tap (choice, toggle, yes/no).
  void answer(const QString& key, synccore::Value value);
  void autofillFromIdNumber();
  void revalidate();
  synccore::RecordValues currentValues() const;
  Question* question(const QString& key);
  const Question* question(const QString& key) const;
  QString displayText(const Question& q) const;

  QString m_type, m_uuid, m_parentUuid, m_section;
  const synccore::RecordTypeDef* m_def = nullptr;
  std::vector<Question> m_questions;
  std::vector<size_t> m_rows;  // indexes into m_questions shown by this form (the section's)
  synccore::RecordValues m_stored;
  std::map<std::string, QString> m_saveErrors;  // from the store's cross-record rules, per field
  QString m_formError;
  QString m_movedToGrid;
  QString householdGridOutsideMine() const;
  bool m_showAllErrors = false;
};

}  // namespace anju
