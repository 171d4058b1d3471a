// Runs every view-model test class; the exit code is non-zero when any of them failed.
#include "language.h"
#include "test_suites.h"

#include <QCoreApplication>
#include <QStandardPaths>

int main(int argc, char** argv) {
  QStandardPaths::setTestModeEnabled(true);  // the language choice goes to a test settings file
  QCoreApplication app(argc, argv);
  QCoreApplication::setOrganizationName(QStringLiteral("AnjuTests"));
  QCoreApplication::setApplicationName(QStringLiteral("viewmodel_tests"));
  anju::Language::instance()->setCode(QStringLiteral("zh_CN"));
  int failed = 0;
  for (auto run : {runRecordFormTests, runHouseholdListTests, runHouseholdFileTests, runSessionTests,
                   runLanguageTests})
    failed += run(argc, argv) != 0 ? 1 : 0;
  return failed;
}
