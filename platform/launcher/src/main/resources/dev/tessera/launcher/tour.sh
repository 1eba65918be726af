G=http://localhost:8080
curl -s -X POST $G/api/identity/users -H 'Content-Type: application/json' \
  -d '{"email":"ada@example.com","password":"correct-horse-battery","displayName":"Ada"}'
TOKEN=$(curl -s -X POST $G/api/identity/tokens -H 'Content-Type: application/json' \
  -d '{"email":"ada@example.com","password":"correct-horse-battery"}' | sed 's/.*"accessToken":"\([^"]*\)".*/\1/')
curl -s $G/api/orders/catalog
ORDER=$(curl -s -X POST $G/api/orders -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -H 'Idempotency-Key: tour-order-1' \
  -d '{"items":[{"sku":"TSR-MUG-001","quantity":2}]}' | sed 's/.*"id":"\([^"]*\)".*/\1/')
curl -s $G/api/orders/$ORDER -H "Authorization: Bearer $TOKEN"   # PENDING_PAYMENT, then CONFIRMED
curl -s $G/api/billing/invoices -H "Authorization: Bearer $TOKEN"
curl -s $G/api/notifications -H "Authorization: Bearer $TOKEN"
./tessera mail                                                    # the welcome and confirmation e-mails
./tessera trace $ORDER         # the order's one trace: gateway → orders → Kafka → billing → orders → notifications
curl -s -X DELETE $G/api/identity/tokens/current -H "Authorization: Bearer $TOKEN"   # log out
