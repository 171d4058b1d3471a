#pragma once
// One household's file (一户一档) as the worker reads it: summary, members, visits, sections, notices.
#include "variant_list_model.h"

#include <QObject>
#include <QtQml/qqml.h>

namespace anju {

/// Loads one household from the device store and keeps it current as data changes.
class HouseholdFile : public QObject {
  Q_OBJECT
  QML_ELEMENT
  Q_PROPERTY(QString uuid READ uuid WRITE setUuid NOTIFY uuidChanged)
  Q_PROPERTY(bool exists READ exists NOTIFY loaded)
  Q_PROPERTY(QString headName READ headName NOTIFY loaded)
  Q_PROPERTY(QString address READ address NOTIFY loaded)
  Q_PROPERTY(QString grid READ grid NOTIFY loaded)
  Q_PROPERTY(QString gridName READ gridName NOTIFY loaded)
  Q_PROPERTY(bool movedAway READ movedAway NOTIFY loaded)
  Q_PROPERTY(QVariantList facts READ facts NOTIFY loaded)
  Q_PROPERTY(int pendingChanges READ pendingChanges NOTIFY loaded)
  Q_PROPERTY(QString reviewState READ reviewState NOTIFY loaded)
  Q_PROPERTY(QString reviewNote READ reviewNote NOTIFY loaded)
  Q_PROPERTY(bool resubmitPending READ resubmitPending NOTIFY loaded)
  Q_PROPERTY(VariantListModel* reviewComments READ reviewComments CONSTANT)
  Q_PROPERTY(VariantListModel* members READ members CONSTANT)
  Q_PROPERTY(VariantListModel* visits READ visits CONSTANT)
  Q_PROPERTY(VariantListModel* sections READ sections CONSTANT)
  Q_PROPERTY(VariantListModel* notices READ notices CONSTANT)

 public:
  explicit HouseholdFile(QObject* parent = nullptr);

  QString uuid() const { return m_uuid; }
  void setUuid(const QString& uuid);
  bool exists() const { return m_exists; }
  QString headName() const { return m_headName; }
  QString address() const { return m_address; }
  QString grid() const { return m_grid; }
  /// The grid's name, or its code when unnamed.
  QString gridName() const { return m_gridName; }
  /// A supervisor moved the household to a grid that is not the worker's: read only on this tablet.
  bool movedAway() const { return m_movedAway; }
  /// Key facts for the summary card: [{label, text, sensitive}], derived figures included.
  QVariantList facts() const { return m_facts; }
  int pendingChanges() const { return m_pending; }
  VariantListModel* members() { return &m_members; }
  VariantListModel* visits() { return &m_visits; }
  VariantListModel* sections() { return &m_sections; }
  VariantListModel* notices() { return &m_notices; }
  /// "returned", "resubmitted", "approved" or empty: the supervisor's review as last synced.
  QString reviewState() const { return m_reviewState; }
  QString reviewNote() const { return m_reviewNote; }
  bool resubmitPending() const { return m_resubmitPending; }
  /// The supervisor's comments on fields of a returned household: [{record, field, comment}].
  VariantListModel* reviewComments() { return &m_reviewComments; }

  Q_INVOKABLE void reload();
  /// Deletes a member (a tombstone synced like any edit). Returns an error message, empty on success.
  Q_INVOKABLE QString deleteMember(const QString& personUuid);
  Q_INVOKABLE QString deleteHousehold();
  /// The worker has read a conflict or refusal notice.
  Q_INVOKABLE void dismissNotice(int id);
  /// The worker has read a card of several notices (a record's edits passed to the community: `ids`).
  Q_INVOKABLE void dismissNotices(const QVariantList& ids);
  /// The worker fixed a returned household: it goes back to the supervisor on the next sync.
  Q_INVOKABLE bool resubmit(const QString& note);

 signals:
  void uuidChanged();
  void loaded();

 private:
  QString removeRecord(const char* type, const QString& uuid);
  QString m_uuid;
  bool m_exists = false;
  bool m_movedAway = false;
  QString m_headName, m_address, m_grid, m_gridName;
  QVariantList m_facts;
  int m_pending = 0;
  VariantListModel m_members;
  VariantListModel m_visits;
  VariantListModel m_sections;
  VariantListModel m_notices;
  QString m_reviewState, m_reviewNote;
  bool m_resubmitPending = false;
  VariantListModel m_reviewComments;
  void loadReview(const std::map<std::string, QString>& recordNames);
};

}  // namespace anju
