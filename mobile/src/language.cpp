#include "language.h"

#include <QCoreApplication>
#include <QQmlEngine>
#include <QSettings>

namespace anju {

namespace {
Language* g_instance = nullptr;
}

Language::Language(QObject* parent) : QObject(parent) {
  g_instance = this;
  QSettings settings;
  const QString saved = settings.value(QStringLiteral("language"), m_code).toString();
  if (saved == QLatin1String("en")) {
    m_code = saved;
    apply();
  }
}

Language* Language::create(QQmlEngine* engine, QJSEngine*) {
  Language* language = instance();
  language->m_engine = engine;
  QQmlEngine::setObjectOwnership(language, QQmlEngine::CppOwnership);
  return language;
}

Language* Language::instance() {
  if (!g_instance) g_instance = new Language(QCoreApplication::instance());
  return g_instance;
}

bool Language::isEnglish() { return g_instance && g_instance->m_code == QLatin1String("en"); }

void Language::setCode(const QString& code) {
  if (code == m_code || (code != QLatin1String("en") && code != QLatin1String("zh_CN"))) return;
  m_code = code;
  QSettings().setValue(QStringLiteral("language"), m_code);
  apply();
  emit codeChanged();
}

void Language::apply() {
  QCoreApplication::removeTranslator(&m_translator);
  if (m_code == QLatin1String("en") && m_translator.load(QStringLiteral(":/i18n/anju_en.qm")))
    QCoreApplication::installTranslator(&m_translator);
  if (m_engine) m_engine->retranslate();
}

}  // namespace anju
