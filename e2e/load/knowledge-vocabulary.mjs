// The words of the search benchmark's articles and queries, shared by knowledge-articles.mjs
// (which writes the articles) and knowledge-search.js (k6, which searches them). An .mjs file:
// node reads it as an ES module without guessing; k6 reads every file as one.
export const PRODUCT = "bench-kb";
export const CATEGORIES = ["billing", "login", "printing", "network", "email", "mobile", "reports", "security", "setup", "updates"];
export const LANGUAGES = ["en", "en", "de", "ru"];
export const VOCABULARY = {
  en: ("account password reset login printer network email invoice payment refund update install configure error timeout " +
    "connection server browser mobile application report export import backup restore security certificate license user " +
    "permission role dashboard settings profile device battery screen keyboard driver firmware upgrade download upload sync " +
    "calendar meeting notification message attachment storage quota subscription billing address shipping order delivery").split(" "),
  de: ("Konto Passwort zurücksetzen Anmeldung Drucker Netzwerk Rechnung Zahlung Erstattung Aktualisierung Installation " +
    "Konfiguration Fehler Zeitüberschreitung Verbindung Server Anwendung Bericht Sicherung Wiederherstellung Sicherheit " +
    "Zertifikat Lizenz Benutzer Berechtigung Einstellungen Gerät Bildschirm Tastatur Treiber Synchronisierung Kalender " +
    "Benachrichtigung Nachricht Anhang Speicher Abonnement Lieferung Bestellung").split(" "),
  ru: ("аккаунт пароль сброс вход принтер сеть почта счёт оплата возврат обновление установка настройка ошибка " +
    "соединение сервер браузер приложение отчёт экспорт импорт резервная копия восстановление безопасность сертификат " +
    "лицензия пользователь права панель профиль устройство батарея экран клавиатура драйвер прошивка загрузка синхронизация " +
    "календарь уведомление сообщение вложение хранилище подписка доставка заказ").split(" "),
};
