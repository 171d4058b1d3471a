#pragma once
// The UI language: Chinese by default, English from the translation file; switchable at run time.
#include <QObject>
#include <QTranslator>
#include <QtQml/qqml.h>

namespace anju {

/// The chosen language, kept in the app's settings; retranslates the running UI when changed.
class Language : public QObject {
  Q_OBJECT
  QML_ELEMENT
  QML_SINGLETON
  Q_PROPERTY(QString code READ code WRITE setCode NOTIFY codeChanged)

 public:
  explicit Language(QObject* parent = nullptr);
  static Language* create(QQmlEngine* engine, QJSEngine*);
  static Language* instance();
  /// True when English is chosen (used by the view models for labels from the survey definition).
  static bool isEnglish();

  QString code() const { return m_code; }
  /// "zh_CN" or "en"; anything else is ignored.
  void setCode(const QString& code);

 signals:
  void codeChanged();

 private:
  void apply();
  QString m_code = QStringLiteral("zh_CN");
  QTranslator m_translator;
  QQmlEngine* m_engine = nullptr;
};

}  // namespace anju
