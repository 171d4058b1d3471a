#pragma once
// A supervisor's review of one household from the app: return it to the worker with comments, or approve it.
#include "server_api.h"

#include <QObject>
#include <QVariantList>
#include <QtQml/qqml.h>

namespace anju {

/// Sends return / approve for one household (POST /v1/households/<id>/return|approve) and keeps its state.
class ReviewController : public QObject {
  Q_OBJECT
  QML_ELEMENT
  Q_PROPERTY(QString household READ household WRITE setHousehold NOTIFY householdChanged)
  Q_PROPERTY(QString state READ state NOTIFY changed)
  Q_PROPERTY(QVariantList history READ history NOTIFY changed)
  Q_PROPERTY(bool busy READ busy NOTIFY changed)

 public:
  explicit ReviewController(QObject* parent = nullptr) : QObject(parent) {}
  QString household() const { return m_household; }
  void setHousehold(const QString& uuid);
  /// "none", "returned", "resubmitted" or "approved", as the server says.
  QString state() const { return m_state; }
  /// [{action, by, at, note}] newest last.
  QVariantList history() const { return m_history; }
  bool busy() const { return m_busy; }

  Q_INVOKABLE void reload();
  /// comments: [{field, comment, record?}]; note optional. The answer arrives as finished().
  Q_INVOKABLE void returnToWorker(const QVariantList& comments, const QString& note);
  Q_INVOKABLE void approve(const QString& note);
  /// Household fields a comment may be about: [{key, label}].
  Q_INVOKABLE QVariantList fields() const;

 signals:
  void householdChanged();
  void changed();
  void finished(bool ok, const QString& message);

 private:
  void take(const synccore::HttpResult& result);
  void send(const char* action, const synccore::Json& body, const QString& success);
  ServerApi m_api;
  QString m_household, m_state;
  QVariantList m_history;
  bool m_busy = false;
};

}  // namespace anju
