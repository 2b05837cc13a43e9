def test_home_in_french(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="fr">' in response.get_data(as_text=True)


def test_login_flow(client, make_user, login, db):
    user = make_user()
    login(user)
    assert user.display_name in client.get("/profile").get_data(as_text=True)
